/** The pause/prosody marks the acoustic model has symbols for (see PUNCTUATION in ../phonemes.ts). */
export type PunctMark = ',' | '.' | '?' | '!' | ';' | ':' | '—' | '…';

/**
 * One spoken word. `text` is lowercase [a-z'] only. `spell` marks a single letter to be read by its
 * letter name. start/end are UTF-16 offsets of the written item the word came from in the input.
 */
export interface WordToken {
  kind: 'word';
  text: string;
  start: number;
  end: number;
  spell?: true;
}

export interface PunctToken {
  kind: 'punct';
  text: PunctMark;
  start: number;
  end: number;
}

export type NormToken = WordToken | PunctToken;
