// The little of Node's API client.ts uses (no @types/node needed).
declare module "node:fs" {
  export function readFileSync(path: string, encoding: "utf8"): string;
}
declare const process: { env: Record<string, string | undefined>; exit(code: number): never };
