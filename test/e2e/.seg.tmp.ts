import { AppService } from '../../electron/app-service/app-service.ts';
import { appInfo } from '../../electron/app-service/app-info.ts';
import { DEMO_DIR } from './harness.ts';
const svc = new AppService({ volumeUrlBase: 'x://', dataDir: '/tmp/f-seg-data', appInfo: appInfo('t', DEMO_DIR) });
const t0 = Date.now();
svc.on((e, p) => { if (e === 'job:done' || e === 'job:progress') console.log(((Date.now() - t0) / 1000).toFixed(1), e, JSON.stringify(p).slice(0, 400)); if (e === 'job:done') process.exit(0); });
const o: any = await svc.invoke('study:open', { paths: [DEMO_DIR] });
const r = await svc.invoke('segment:run', { studyId: o.value.studies[0].studyId, device: 'auto' });
console.log(JSON.stringify(r));
