import { describe, expect, it } from 'vitest';
import type { DelineoApi, VolumeHandle } from '../../../electron/ipc/contract.ts';
import { ApiClient, ApiFailure } from './client.ts';

const handle: VolumeHandle = {
  id: 'v1', url: 'test://v1', dataType: 'int16', byteLength: 8, size: [2, 2, 1], spacing: [1, 1, 1],
  affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], frameOfReferenceUID: '1', modality: 'CT', units: 'HU',
};

function api(result: unknown): DelineoApi {
  return { invoke: (async () => result) as DelineoApi['invoke'], on: () => () => {}, pathForFile: () => '/x' };
}

describe('ApiClient', () => {
  it('returns values and throws failures with code and path', async () => {
    expect(await new ApiClient(api({ ok: true, value: { reviewerName: 'A' } })).call('settings:get', {})).toEqual({ reviewerName: 'A' });
    const c = new ApiClient(api({ ok: false, error: { code: 'DICOM_TRUNCATED', message: '/d/a.dcm: file ends early', path: '/d/a.dcm' } }));
    const e = await c.call('study:open', { paths: ['/d'] }).catch((x) => x);
    expect(e).toBeInstanceOf(ApiFailure);
    expect(e).toMatchObject({ code: 'DICOM_TRUNCATED', message: '/d/a.dcm: file ends early', path: '/d/a.dcm' });
  });

  it('fetches voxels as the handle says and refuses a wrong length', async () => {
    const good = async () => new Response(new Int16Array([1, -2, 3, -4]).buffer);
    expect(Array.from(await new ApiClient(api(null), good as typeof fetch).voxels(handle))).toEqual([1, -2, 3, -4]);
    const short = async () => new Response(new Int16Array([1, 2, 3]).buffer);
    await expect(new ApiClient(api(null), short as typeof fetch).voxels(handle)).rejects.toThrow('volume v1: 6 bytes, expected 8');
    const missing = async () => new Response('no', { status: 404 });
    await expect(new ApiClient(api(null), missing as typeof fetch).voxels(handle)).rejects.toThrow('could not be fetched (404)');
  });
});
