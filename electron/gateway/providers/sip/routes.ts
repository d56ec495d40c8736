import { createHash } from 'node:crypto';
import { open, realpath } from 'node:fs/promises';
import { constants } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { GatewayCore } from '../../core';
import { DocumentError } from '../../documents/errors';
import { tiffPageCount } from '../../documents/tiff';
import { tiffToPdf } from '../../documents/tiff-to-pdf';
import { cleanHeader } from '../../security/signatures/common';
import { AppError, badRequest } from '../../services/errors';
import { inboundGate, isPdf, sameSecret, storeInbound } from '../webhook';
import { spoolDir } from './provider';

export const ASTERISK_INBOUND_PATH = '/_internal/asterisk/inbound';

const TIFF2PDF_TIMEOUT_MS = 60_000;
const MB = 1024 * 1024;

/** Faxbot's body (faxbot-compat.md §1.5); numbers and ids are bounded, unknown fields ignored. */
export const AsteriskInboundBody = z.object({
  tiff_path: z.string().min(1).max(4096),
  to_number: z.string().max(64).nullish(),
  from_number: z.string().max(64).nullish(),
  faxstatus: z.string().max(40).nullish(),
  faxpages: z.coerce.number().int().min(0).max(10_000).nullish().catch(null),
  uniqueid: z.string().max(150).nullish(),
});

const unauthorized = (detail: string) => new AppError('unauthorized', detail);

/**
 * The TIFF must be a regular file inside the spool folder once every symlink is resolved: the
 * dialplan writes there, and nothing else on this computer can be read through this route.
 */
async function confinedTiff(spool: string, requested: string, maxBytes: number): Promise<Buffer> {
  const root = await realpath(spool).catch(() => null);
  if (!root) throw badRequest('The Asterisk spool folder does not exist');
  const candidate = isAbsolute(requested) ? requested : join(root, requested);
  const real = await realpath(candidate).catch(() => null);
  if (!real || !real.startsWith(root + sep)) throw badRequest('tiff_path must name a file in the Asterisk spool folder');
  // O_NOFOLLOW: the resolved path itself may not be swapped for a link between the check and the read.
  const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => null);
  if (!handle) throw badRequest('tiff_path must name a file in the Asterisk spool folder');
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw badRequest('tiff_path must name a file in the Asterisk spool folder');
    if (info.size > maxBytes) throw new AppError('too_large', 'The received fax is larger than MAX_FILE_SIZE_MB allows');
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** `POST /_internal/asterisk/inbound`: the [faxin] dialplan reports a received fax (Faxbot's contract). */
export function registerSipRoutes(app: FastifyInstance, core: GatewayCore): void {
  app.post(
    ASTERISK_INBOUND_PATH,
    {
      bodyLimit: 64 * 1024,
      // Gate and secret before the body is read.
      onRequest: async (request) => {
        await inboundGate(core);
        const expected = await core.settings.secret('sip.inboundSecret');
        if (!expected) throw unauthorized('Internal secret not configured');
        const received = cleanHeader(request.headers['x-internal-secret'] as string | undefined);
        if (!received || !sameSecret(received, expected)) {
          core.audit.record('provider_callback_rejected', { backend: 'sip', path: ASTERISK_INBOUND_PATH, reason: 'invalid_secret' });
          throw unauthorized('Invalid internal secret');
        }
      },
    },
    async (request) => {
      const parsed = AsteriskInboundBody.safeParse(request.body);
      if (!parsed.success) throw badRequest('Invalid payload: tiff_path is required');
      const body = parsed.data;
      const maxBytes = core.settings.current.maxFileSizeMb * 2 * MB;
      const tiff = await confinedTiff(spoolDir(core.settings.current, core.dataDir), body.tiff_path, maxBytes);
      const pages = tiffPageCount(tiff);
      if (pages === 0) throw badRequest('tiff_path is not a TIFF file');
      // Faxbot keyed nothing; a missing uniqueid falls back to the file's digest so a repeat is still one fax.
      const providerId = body.uniqueid?.trim() || `sha256:${createHash('sha256').update(tiff).digest('hex')}`;
      const existing = core.inbound.findByProvider('sip', providerId);
      if (existing) return { id: existing.id, status: 'ok' };
      const pdf = await tiffToPdf(tiff, TIFF2PDF_TIMEOUT_MS).catch((error: unknown) => {
        if (error instanceof DocumentError && error.code === 'tool_missing')
          throw new AppError('unavailable', 'tiff2pdf is not installed, so received faxes cannot be stored (apt install libtiff-tools).');
        throw badRequest('The received TIFF could not be converted to PDF');
      });
      if (!isPdf(pdf)) throw new AppError('unavailable', 'tiff2pdf did not produce a PDF');
      const { fax } = await storeInbound(
        core,
        {
          backend: 'sip',
          providerId,
          from: body.from_number?.trim() || 'unknown',
          to: body.to_number?.trim() || 'unknown',
          pages: body.faxpages ?? pages,
          status: body.faxstatus?.trim().toLowerCase() || 'received',
          pdf,
        },
        'internal_secret',
      );
      return { id: fax.id, status: 'ok' };
    },
  );
}
