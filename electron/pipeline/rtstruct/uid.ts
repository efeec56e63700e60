/**
 * New DICOM UIDs under the 2.25 root (PS3.5 B.2): a random UUID written as one decimal integer.
 * No organisation root is needed and collisions are as unlikely as for any UUID.
 */
import { randomUUID } from 'node:crypto';

/** A fresh UID such as 2.25.329800735698586629295641978511506172918 (≤ 44 characters). */
export function newUID(): string {
  return '2.25.' + BigInt('0x' + randomUUID().replace(/-/g, '')).toString(10);
}
