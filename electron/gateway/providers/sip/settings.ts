import * as z from 'zod';
import { defineProviderSettings } from '../provider-settings';

export const sipSettings = defineProviderSettings({
  backend: 'sip',
  schema: z.object({
    amiHost: z.string().default('127.0.0.1'),
    amiPort: z.number().int().min(1).max(65535).default(5038),
    amiUsername: z.string().default('api'),
    stationId: z.string().default(''),
    /** FAX_HEADER: the header line printed on each page sent through Asterisk. */
    header: z.string().max(60).default(''),
    /** ASTERISK_SPOOL_DIR: shared with Asterisk; '' = asterisk/ in the data folder. */
    spoolDir: z.string().default(''),
  }),
  env: [
    ['ASTERISK_AMI_HOST', 'amiHost', 'str'],
    ['ASTERISK_AMI_PORT', 'amiPort', 'int'],
    ['ASTERISK_AMI_USERNAME', 'amiUsername', 'str'],
    ['FAX_LOCAL_STATION_ID', 'stationId', 'str'],
    ['FAX_HEADER', 'header', 'str'],
    ['ASTERISK_SPOOL_DIR', 'spoolDir', 'str'],
  ],
  secrets: {
    'sip.amiPassword': ['ASTERISK_AMI_PASSWORD'],
    'sip.inboundSecret': ['ASTERISK_INBOUND_SECRET'],
  },
  labels: { amiPort: 'Asterisk manager port' },
});
