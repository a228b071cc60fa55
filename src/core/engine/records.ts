// Reads the core's result stream (wasm/assembly/out/tags.ts): records of u64 words, read as two
// u32 halves so no BigInt is needed. Values are exact as numbers up to 2^53; hex() keeps all 64 bits.
import { RecordTag } from '../../../wasm/assembly/out/tags.ts';

export { RecordTag };

export interface RawRecord {
  tag: RecordTag;
  /** Byte position of the record's first field in the stream; see RecordView.at/field. */
  fields: number;
  count: number;
}

export class RecordView {
  constructor(private readonly view: DataView) {}

  static NONE_HALF = 0xffffffff;

  /** Splits the stream into records without decoding any field. */
  records(): RawRecord[] {
    const out: RawRecord[] = [];
    let at = 0;
    const end = this.view.byteLength;
    while (at + 8 <= end) {
      const tag = this.view.getUint32(at, true) as RecordTag;
      const count = this.view.getUint32(at + 4, true);
      out.push({ tag, fields: at + 8, count });
      at += 8 + count * 8;
    }
    return out;
  }

  /** Stream position of field `index` of the record whose fields start at `fields`. */
  at(fields: number, index: number): number {
    return fields + index * 8;
  }

  field(fields: number, index: number): number {
    return this.num(fields + index * 8);
  }

  hexField(fields: number, index: number): string {
    return this.hex(fields + index * 8);
  }

  isNone(field: number): boolean {
    return this.view.getUint32(field, true) === RecordView.NONE_HALF && this.view.getUint32(field + 4, true) === RecordView.NONE_HALF;
  }

  /** The value as a number (exact below 2^53). */
  num(field: number): number {
    return this.view.getUint32(field + 4, true) * 0x1_0000_0000 + this.view.getUint32(field, true);
  }

  /** The value as "0x…", exact for all 64 bits. */
  hex(field: number): string {
    const hi = this.view.getUint32(field + 4, true);
    const lo = this.view.getUint32(field, true);
    return hi === 0 ? `0x${lo.toString(16)}` : `0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')}`;
  }
}
