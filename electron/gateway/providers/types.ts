import type { FailureClass } from '../../../shared/status';
import type { Backend, FaxResolution } from '../../../shared/settings';
import type { CheckResult } from '../../../shared/types';
import { DocumentMissingError, type StoredDocument } from '../storage/artifact-store';

export interface SubmitRequest {
  jobId: string;
  attempt: number;
  /** Stable per job attempt; providers that support it pass it through (tags, labels). */
  idempotencyKey: string;
  toE164: string;
  /** The fax PDF, read through the document store (local folder or S3). */
  document: StoredDocument;
  pages: number | null;
  /** Tokenised public URL of the document, when the gateway has a public URL. */
  mediaUrl: string | null;
  /** Per-job status callback URL, when the gateway has a public URL. */
  callbackUrl: string | null;
  /** Fax resolution chosen for this job: SIP renders its pages at it, SignalWire gets it as Quality; Phaxio and Sinch cannot be told standard. */
  resolution?: FaxResolution;
}

/** What reconciliation knows about an interrupted attempt; enough to search a provider's fax list. */
export interface LookupRequest extends Pick<SubmitRequest, 'jobId' | 'attempt' | 'idempotencyKey' | 'toE164'> {
  /** When the job was accepted (ms): the attempt cannot be older. */
  jobCreatedAt: number;
}

export interface SubmitResult {
  providerId: string;
  rawStatus: string;
}

/** A provider's view of a fax, already mapped onto our vocabulary. */
export interface ProviderUpdate {
  providerId: string;
  rawStatus: string;
  phase: 'sending' | 'delivered' | 'failed';
  failureClass?: FailureClass;
  /** Human-readable reason, free of numbers and secrets. */
  error?: string;
  pages?: number | null;
  /** Progress worth a timeline line (e.g. "ringing"); omitted when nothing new. */
  detail?: string;
}

/**
 * `maybeAccepted` is the difference between "safe to send again" (the provider answered no)
 * and "must ask the provider first" (timeout or dropped connection after the request left).
 */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly failureClass: FailureClass,
    readonly maybeAccepted = false,
    /** The request never reached the provider (refused, no route): safe to send again, nothing to count. */
    readonly unreachable = false,
  ) {
    super(message);
  }
}

export interface ProviderTraits {
  /** The provider can only fetch the document from a public URL (SignalWire). */
  needsPublicMediaUrl: boolean;
  /** The provider fetches the document by URL when a public URL exists, and uploads otherwise (Phaxio content_url mode). */
  wantsMediaUrl?: boolean;
  /** Outcomes can be learned by polling (no public URL needed). */
  canPoll: boolean;
  /** `lookup` can tell authoritatively whether an attempt reached the provider. */
  canLookup: boolean;
  pollIntervalMs: number;
  /** Test mode: nothing is really faxed. */
  testMode: boolean;
  /** Path of the status callback route on our gateway, when the provider calls back. */
  callbackPath: string | null;
}

export interface FaxProvider {
  readonly backend: Backend;
  readonly label: string;
  readonly traits: ProviderTraits;
  submit(request: SubmitRequest, signal: AbortSignal): Promise<SubmitResult>;
  poll?(providerId: string, signal: AbortSignal): Promise<ProviderUpdate>;
  /** Reconciliation after a crash: what did the provider receive for this attempt? null = nothing. */
  lookup?(request: LookupRequest, signal: AbortSignal): Promise<SubmitResult | null>;
  /** Live credential check for the wizard and diagnostics. */
  checkCredentials?(signal: AbortSignal): Promise<CheckResult>;
  /** Releases long-lived connections (AMI) when the instance is replaced or the gateway stops. */
  close?(): void;
}

/**
 * The fax document could not be read before submitting. Gone: a document failure (never retried).
 * Storage unreachable (S3 down): nothing left this machine, so the same attempt goes again shortly.
 * A plain error here would be reconciled with the provider and resent in a loop.
 */
export function documentUnavailable(error: unknown): ProviderError {
  if (error instanceof DocumentMissingError) return new ProviderError('The prepared document is missing from storage.', 'document');
  return new ProviderError(
    `The fax document could not be read from storage (${(error as Error).message}).`,
    'provider_unavailable',
    false,
    true,
  );
}
