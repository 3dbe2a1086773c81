import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from './config.js';

describe('config: image quotas and conversion', () => {
  const load = (env: Record<string, string>) => loadConfig({ stateDir: '/tmp/nb-config-test', config: '/nonexistent' }, env);

  it('defaults to 100 images, 100 GiB and no conversion', () => {
    const c = load({});
    assert.equal(c.imageQuotaImages, 100);
    assert.equal(c.imageQuotaBytes, 100 * 1024 ** 3);
    assert.equal(c.imageConvertTo, null);
  });

  it('reads NUBIS_IMAGE_* variables, -1 meaning unlimited', () => {
    const c = load({ NUBIS_IMAGE_QUOTA_IMAGES: '-1', NUBIS_IMAGE_QUOTA_BYTES: '1048576', NUBIS_IMAGE_CONVERT_TO: 'qcow2' });
    assert.equal(c.imageQuotaImages, -1);
    assert.equal(c.imageQuotaBytes, 1048576);
    assert.equal(c.imageConvertTo, 'qcow2');
    assert.equal(load({ NUBIS_IMAGE_CONVERT_TO: 'keep' }).imageConvertTo, null);
  });

  it('refuses values that make no sense', () => {
    assert.throws(() => load({ NUBIS_IMAGE_QUOTA_IMAGES: '-2' }), /image_quota_images/);
    assert.throws(() => load({ NUBIS_IMAGE_QUOTA_BYTES: 'lots' }), /image_quota_bytes/);
    assert.throws(() => load({ NUBIS_IMAGE_CONVERT_TO: 'vmdk' }), /image_convert_to/);
  });
});
