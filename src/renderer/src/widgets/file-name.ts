/** The last part of a path, whichever platform wrote it (`C:\app\app.exe` as well as `/usr/bin/app`). */
export const fileName = (path: string): string => path.split(/[\\/]/).pop() ?? path;
