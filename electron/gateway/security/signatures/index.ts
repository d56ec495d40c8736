export type { SignedParams } from './common';
export { phaxioOfficialSignature, verifyPhaxioSignature, type PhaxioFile, type PhaxioVerifyInput, type PhaxioVerifyResult } from './phaxio';
export {
  signalwireFormSignature,
  signalwireJsonSignature,
  verifySignalWireSignature,
  type SignalWireVerifyInput,
  type SignalWireVerifyResult,
} from './signalwire';
