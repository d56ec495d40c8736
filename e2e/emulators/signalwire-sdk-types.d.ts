/*
 * The SDKs' own typings are not reachable through their package.json "exports" under
 * moduleResolution "Bundler", so the few oracle calls the tests make are declared here.
 * Test-only: runtime code never imports these packages (providers.md §6).
 */
declare module '@signalwire/compatibility-api' {
  interface FaxResponse {
    receive(attributes?: {
      action?: string;
      method?: string;
      mediaType?: 'application/pdf' | 'image/tiff';
      pageSize?: 'letter' | 'legal' | 'a4';
    }): void;
    reject(): void;
    toString(): string;
  }
  export const RestClient: {
    /** `params` must be the parsed form object, not the raw body (providers.md §3.6). */
    validateRequest(signingKey: string, signature: string, url: string, params: object): boolean;
    validateRequestWithBody(signingKey: string, signature: string, url: string, body: string): boolean;
    LaML: { FaxResponse: new () => FaxResponse };
  };
}

declare module '@signalwire/web-api' {
  export function validateRequest(signingKey: string, signature: string, url: string, rawBody: string): boolean;
}
