// The page's files when the module runs from its sources (tests, `nest start`): bundled by
// esbuild in memory on the first request, so they never lag behind the sources. The package's
// build writes a manifest.js in place of this file, beside the bundled files it reads.
interface Bundle {
  script: string;
  style: string;
  files: Array<{ name: string; contents: Buffer }>;
}

let bundling: Promise<{ script: string; style: string; files: Map<string, Buffer> }> | undefined;

export function loadWebhooksAdminUi(): Promise<{ script: string; style: string; files: Map<string, Buffer> }> {
  bundling ??= (async () => {
    const build = new URL('../../../../scripts/build-ui.mjs', import.meta.url).href;
    const { bundleAdminUi } = (await import(build)) as { bundleAdminUi: () => Promise<Bundle> };
    const bundle = await bundleAdminUi();
    return { script: bundle.script, style: bundle.style, files: new Map(bundle.files.map((f) => [f.name, f.contents])) };
  })();
  bundling.catch(() => (bundling = undefined));
  return bundling;
}
