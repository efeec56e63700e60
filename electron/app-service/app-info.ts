/**
 * Facts about the build shown in the title bar and About box, shared by the Electron main and
 * the e2e bridge. The demo study is the real patient STS_002 (CC BY 3.0), credited here.
 */
import { existsSync } from 'node:fs';
import type { AppInfo } from '../ipc/contract.ts';
import { API_VERSION } from '../ipc/contract.ts';

/** Text every research build shows. */
export const NOT_FOR_CLINICAL_USE = 'NOT FOR CLINICAL USE (research build)';

/** AppInfo for a version and the folder of the bundled demo study (null when not shipped). */
export function appInfo(version: string, demoDir: string | null): AppInfo {
  return {
    name: 'Delineo',
    version,
    apiVersion: API_VERSION,
    researchBuild: true,
    notForClinicalUse: NOT_FOR_CLINICAL_USE,
    demo: demoDir && existsSync(demoDir)
      ? {
          paths: [demoDir],
          title: 'STS_002, soft-tissue sarcoma of the thigh (CT, FDG PET, T1 MR, expert GTVs)',
          attribution: 'Vallières M, Freeman CR, Skamene SR, El Naqa I. The Cancer Imaging Archive, Soft-tissue-Sarcoma collection (2015).',
          doi: '10.7937/K9/TCIA.2015.7GO2GSKS',
          licence: 'CC BY 3.0',
        }
      : null,
  };
}
