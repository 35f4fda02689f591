// Written by `npm run version:sync` from package.json (a spec fails when they differ).
// A constant rather than a read of package.json at run time: it works the same in
// the ES module and the CommonJS build, wherever a bundler puts the code.

/** The package's name, as published. */
export const WEBHOOKS_PACKAGE_NAME = 'nestjs-chat-webhooks';
/** The package's version, as published. */
export const WEBHOOKS_PACKAGE_VERSION = '0.1.0';
