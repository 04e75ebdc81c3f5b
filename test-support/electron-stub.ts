throw new Error('electron was imported from code that runs under plain Node or in a unit test')
