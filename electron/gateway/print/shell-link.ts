/**
 * A minimal Windows shortcut (.lnk, [MS-SHLLINK]) writer: a header, a LinkInfo with the target's
 * local path (ANSI and Unicode), and Unicode strings. No ItemID list: Explorer resolves the target
 * from LinkInfo. Used for the per-user Send To entry, which needs no admin rights and no PowerShell.
 */
export interface ShellLink {
  /** Absolute Windows path of the program, e.g. C:\Program Files\Faxbot Desktop\Faxbot Desktop.exe. */
  target: string;
  description: string;
  arguments?: string;
  iconLocation?: string;
}

const LINK_CLSID = Buffer.from('0114020000000000c000000000000046', 'hex');
const HAS_LINK_INFO = 0x02;
const HAS_NAME = 0x04;
const HAS_ARGUMENTS = 0x20;
const HAS_ICON_LOCATION = 0x40;
const IS_UNICODE = 0x80;
const SW_SHOWNORMAL = 1;
const DRIVE_FIXED = 3;

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value);
  return b;
}

function utf16z(text: string): Buffer {
  return Buffer.from(`${text}\0`, 'utf16le');
}

/** StringData: a character count, then UTF-16LE without a terminator. */
function countedString(text: string): Buffer {
  const count = Buffer.alloc(2);
  count.writeUInt16LE(text.length);
  return Buffer.concat([count, Buffer.from(text, 'utf16le')]);
}

function linkInfo(target: string): Buffer {
  const headerSize = 0x24; // with the Unicode offsets
  const volumeId = Buffer.concat([u32(0x11), u32(DRIVE_FIXED), u32(0), u32(0x10), Buffer.from([0])]);
  // The ANSI copy is only a fallback; characters outside ASCII are in the Unicode copy.
  const localAnsi = Buffer.from(`${target.replace(/[^\x20-\x7e]/g, '?')}\0`, 'latin1');
  const suffixAnsi = Buffer.from([0]);
  const localUnicode = utf16z(target);
  const suffixUnicode = utf16z('');
  const volumeOffset = headerSize;
  const localOffset = volumeOffset + volumeId.length;
  const suffixOffset = localOffset + localAnsi.length;
  const localUnicodeOffset = suffixOffset + suffixAnsi.length;
  const suffixUnicodeOffset = localUnicodeOffset + localUnicode.length;
  const size = suffixUnicodeOffset + suffixUnicode.length;
  return Buffer.concat([
    u32(size),
    u32(headerSize),
    u32(0x1), // VolumeIDAndLocalBasePath
    u32(volumeOffset),
    u32(localOffset),
    u32(0), // no network share
    u32(suffixOffset),
    u32(localUnicodeOffset),
    u32(suffixUnicodeOffset),
    volumeId,
    localAnsi,
    suffixAnsi,
    localUnicode,
    suffixUnicode,
  ]);
}

export function shellLinkBytes(link: ShellLink): Buffer {
  let flags = HAS_LINK_INFO | HAS_NAME | IS_UNICODE;
  if (link.arguments) flags |= HAS_ARGUMENTS;
  if (link.iconLocation) flags |= HAS_ICON_LOCATION;
  const header = Buffer.alloc(0x4c);
  header.writeUInt32LE(0x4c, 0);
  LINK_CLSID.copy(header, 4);
  header.writeUInt32LE(flags, 20);
  header.writeUInt32LE(SW_SHOWNORMAL, 60);
  const strings = [countedString(link.description)];
  if (link.arguments) strings.push(countedString(link.arguments));
  if (link.iconLocation) strings.push(countedString(link.iconLocation));
  return Buffer.concat([header, linkInfo(link.target), ...strings, u32(0)]);
}

/** Reads back what shellLinkBytes wrote (the tests check the produced file with it). */
export function readShellLink(bytes: Buffer): ShellLink {
  if (bytes.readUInt32LE(0) !== 0x4c || !bytes.subarray(4, 20).equals(LINK_CLSID)) throw new Error('not a shell link');
  const flags = bytes.readUInt32LE(20);
  let offset = 0x4c;
  if (!(flags & HAS_LINK_INFO) || !(flags & IS_UNICODE)) throw new Error('unsupported shell link');
  const info = bytes.subarray(offset, offset + bytes.readUInt32LE(offset));
  const unicodeStart = info.readUInt32LE(28);
  const unicodeEnd = info.indexOf(Buffer.from([0, 0]), unicodeStart, 'latin1');
  let end = unicodeEnd;
  while ((end - unicodeStart) % 2 !== 0) end = info.indexOf(Buffer.from([0, 0]), end + 1, 'latin1');
  const target = info.subarray(unicodeStart, end).toString('utf16le');
  offset += info.length;
  const next = (): string => {
    const count = bytes.readUInt16LE(offset);
    const text = bytes.subarray(offset + 2, offset + 2 + count * 2).toString('utf16le');
    offset += 2 + count * 2;
    return text;
  };
  const description = next();
  const args = flags & HAS_ARGUMENTS ? next() : undefined;
  const iconLocation = flags & HAS_ICON_LOCATION ? next() : undefined;
  return { target, description, ...(args ? { arguments: args } : {}), ...(iconLocation ? { iconLocation } : {}) };
}
