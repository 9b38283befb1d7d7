import { withFile } from './bounded-file';
import { PT_NOTE, readElfHeaders, readSectionHeaders } from './elf-headers';
import { findBuildIdNote, parseNotes } from './notes';

export interface ElfFileFacts {
  buildId: string | null;
  hasDebugInfo: boolean;
  hasSymbols: boolean;
  /** Whether its code is in it: false for a separate debug file, whose .text takes no bytes. */
  hasCode: boolean;
  /** Name in .gnu_debuglink, for debug files found by name rather than build-id. */
  debugLink: string | null;
}

const SHT_SYMTAB = 2;
const SHT_DYNSYM = 11;
const SHT_NOBITS = 8;

/** What an executable or library on disk says about itself: its build-id and what symbols it carries. */
export async function inspectElfFile(path: string): Promise<ElfFileFacts> {
  return withFile(path, async (file) => {
    const { header, segments } = await readElfHeaders(file);
    let buildId: string | null = null;
    for (const seg of segments.filter((s) => s.type === PT_NOTE)) {
      buildId = findBuildIdNote(parseNotes(await file.read(seg.offset, Math.min(seg.filesz, 1 << 16))));
      if (buildId) break;
    }
    const sections = await readSectionHeaders(file, header);
    const debugLinkSection = sections.find((s) => s.name === '.gnu_debuglink');
    let debugLink: string | null = null;
    if (debugLinkSection) {
      const raw = await file.read(debugLinkSection.offset, Math.min(debugLinkSection.size, 4096));
      const end = raw.indexOf(0);
      debugLink = raw.toString('utf8', 0, end === -1 ? raw.length : end) || null;
    }
    return {
      buildId,
      hasDebugInfo: sections.some((s) => s.name === '.debug_info' && s.size > 0),
      hasSymbols: sections.some((s) => s.type === SHT_SYMTAB || s.type === SHT_DYNSYM),
      hasCode: sections.some((s) => s.name === '.text' && s.type !== SHT_NOBITS && s.size > 0),
      debugLink,
    };
  });
}
