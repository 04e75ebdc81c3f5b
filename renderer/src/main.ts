import '@vue-flow/core/dist/style.css'
import './styles/theme.css'
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { startSession } from './bridge/session'
import { useSettingsStore } from './stores/settings'

const app = createApp(App)
app.use(createPinia())
// Theme first, so the first paint already has the right colours.
useSettingsStore()
app.mount('#app')
void startSession()
