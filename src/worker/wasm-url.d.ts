// Vite turns `import x from '...wasm?url'` into the URL of the emitted file. Declared here because the core's
// tsconfig does not load Vite's client types; only studio.worker.ts (bundled by Vite) uses such imports.
declare module '*.wasm?url' {
  const url: string;
  export default url;
}
