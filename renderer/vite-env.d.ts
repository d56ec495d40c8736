/// <reference types="vite/client" />
import type { FaxBridge } from '../shared/contract';

declare global {
  interface Window {
    /** Provided by the Electron preload; absent in a plain browser. */
    fax?: FaxBridge;
  }
}
