// The stylesheet is bundled by esbuild beside the script (scripts/build-ui.mjs).
declare module '*.css';
