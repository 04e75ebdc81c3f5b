// Types for start-plan.mjs (plain JS so that `npm start` needs no build step).
export declare const defaultLab: string
export declare function findElectronBinary(): string | undefined
export declare function startPlan(input: { electron: string | undefined; args: string[]; nodePath: string }): {
  mode: 'desktop' | 'web'
  command: string
  args: string[]
  note?: string
}
