/** `delineo convert --rtstruct` — rasterise a structure set onto its image grid (not built yet). */
export interface ConvertRtstructOptions {
  readonly paths: readonly string[];
  readonly rtstruct: string;
  readonly roi: string | undefined;
  readonly out: string;
  readonly json: boolean;
}

export async function convertRtstruct(_options: ConvertRtstructOptions): Promise<number> {
  process.stderr.write('delineo convert: --rtstruct is not available in this build yet\n');
  return 1;
}
