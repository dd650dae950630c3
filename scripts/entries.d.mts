export declare const entries: { specifier: string; entry: string; source: string }[]
