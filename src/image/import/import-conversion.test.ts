import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLoopbackFileServer, type LoopbackFileServer } from '../../../test/harness/loopback-file-server.js';
import { startTestCloud, type TestCloud } from '../../../test/harness/test-cloud.js';

const OCTET = { 'content-type': 'application/octet-stream' };
const MIB = 1024 * 1024;

describe('image API: conversion on import to the hosts\' preferred format', () => {
  let work: string;
  let raw: Buffer;
  let vmdk: Buffer;
  let qcow2: Buffer;
  let web: LoopbackFileServer;
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'nbconv-'));
    const q = (...args: string[]) => execFileSync('qemu-img', args, { cwd: work, stdio: 'pipe' });
    // Recognisable content at a known offset, to check the conversion kept the data.
    raw = Buffer.alloc(8 * MIB);
    raw.write('NUBIS-CONVERSION-MARKER', 3 * MIB);
    writeFileSync(join(work, 'disk.raw'), raw);
    q('convert', '-f', 'raw', '-O', 'vmdk', 'disk.raw', 'disk.vmdk');
    q('convert', '-f', 'raw', '-O', 'qcow2', 'disk.raw', 'disk.qcow2');
    vmdk = readFileSync(join(work, 'disk.vmdk'));
    qcow2 = readFileSync(join(work, 'disk.qcow2'));
    web = await startLoopbackFileServer({ '/disk.vmdk': { body: vmdk }, '/disk.qcow2': { body: qcow2 } });
  });
  after(async () => {
    await web.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** A cloud with `imageConvertTo`, and the helpers the cases share. */
  const cloudConverting = async (target: string) => {
    const t: TestCloud = await startTestCloud({ imageConvertTo: target });
    const token = await t.adminToken();
    const create = async (body: Record<string, unknown>) =>
      (await t.request('POST', '/image/v2/images', { token, body: { container_format: 'bare', ...body } })).body.id as string;
    const show = async (id: string) => (await t.request('GET', `/image/v2/images/${id}`, { token })).body;
    const settled = async (id: string) => {
      for (let i = 0; i < 500; i++) {
        const img = await show(id);
        if (img.status !== 'importing') return img;
        await sleep(20);
      }
      assert.fail(`import of ${id} never settled`);
    };
    /** Downloads the image and checks its bytes against the image's size and hashes; returns qemu-img info. */
    const verify = async (id: string, img: Record<string, unknown>) => {
      const dl = await t.request('GET', `/image/v2/images/${id}/file`, { token });
      assert.equal(dl.status, 200);
      assert.equal(dl.raw.length, img.size);
      assert.equal(createHash('md5').update(dl.raw).digest('hex'), img.checksum);
      assert.equal(createHash('sha512').update(dl.raw).digest('hex'), img.os_hash_value);
      const file = join(work, `${id}.out`);
      writeFileSync(file, dl.raw);
      const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', file]).toString()) as Record<string, unknown>;
      // The guest sees the same bytes as before the conversion.
      const back = join(work, `${id}.raw`);
      execFileSync('qemu-img', ['convert', '-f', String(info.format), '-O', 'raw', file, back]);
      assert.ok(readFileSync(back).equals(raw));
      return info;
    };
    return { t, token, create, show, settled, verify };
  };

  it('converts raw (glance-direct) and vmdk (web-download) to qcow2, recording the original format', async () => {
    const c = await cloudConverting('qcow2');
    try {
      const a = await c.create({ name: 'raw-in', disk_format: 'raw' });
      assert.equal((await c.t.request('PUT', `/image/v2/images/${a}/stage`, { token: c.token, rawBody: raw, headers: OCTET })).status, 204);
      assert.equal((await c.t.request('POST', `/image/v2/images/${a}/import`, { token: c.token, body: { method: { name: 'glance-direct' } } })).status, 202);
      const imgA = await c.settled(a);
      assert.equal(imgA.status, 'active');
      assert.equal(imgA.disk_format, 'qcow2');
      assert.equal(imgA.nubis_original_disk_format, 'raw');
      assert.equal(imgA.virtual_size, 8 * MIB);
      assert.ok(imgA.size < raw.length, 'a mostly empty disk is smaller as qcow2');
      const infoA = await c.verify(a, imgA);
      assert.equal(infoA.format, 'qcow2');
      assert.equal(infoA['virtual-size'], 8 * MIB);

      const b = await c.create({ name: 'vmdk-in', disk_format: 'vmdk' });
      assert.equal((await c.t.request('POST', `/image/v2/images/${b}/import`, { token: c.token, body: { method: { name: 'web-download', uri: web.url('/disk.vmdk') } } })).status, 202);
      const imgB = await c.settled(b);
      assert.equal(imgB.status, 'active');
      assert.equal(imgB.disk_format, 'qcow2');
      assert.equal(imgB.nubis_original_disk_format, 'vmdk');
      assert.equal((await c.verify(b, imgB)).format, 'qcow2');

      // Already qcow2: stored as sent. Plain uploads (not imports) are never converted.
      const d = await c.create({ name: 'qcow2-in', disk_format: 'qcow2' });
      assert.equal((await c.t.request('POST', `/image/v2/images/${d}/import`, { token: c.token, body: { method: { name: 'web-download', uri: web.url('/disk.qcow2') } } })).status, 202);
      const imgD = await c.settled(d);
      assert.equal(imgD.status, 'active');
      assert.equal(imgD.nubis_original_disk_format, undefined);
      assert.equal(imgD.checksum, createHash('md5').update(qcow2).digest('hex'));
      const e = await c.create({ name: 'upload', disk_format: 'raw' });
      assert.equal((await c.t.request('PUT', `/image/v2/images/${e}/file`, { token: c.token, rawBody: raw, headers: OCTET })).status, 204);
      assert.equal((await c.show(e)).disk_format, 'raw');

      const staging = readdirSync(join(c.t.config.stateDir, 'staging'));
      assert.deepEqual(staging, [], 'no staged or scratch files remain');
      assert.equal(readdirSync(join(c.t.config.stateDir, 'images')).length, 4);
    } finally {
      await c.t.close();
    }
  });

  it('converts qcow2 to raw when the hosts prefer raw', async () => {
    const c = await cloudConverting('raw');
    try {
      const id = await c.create({ name: 'qcow2-to-raw', disk_format: 'qcow2' });
      assert.equal((await c.t.request('POST', `/image/v2/images/${id}/import`, { token: c.token, body: { method: { name: 'web-download', uri: web.url('/disk.qcow2') } } })).status, 202);
      const img = await c.settled(id);
      assert.equal(img.status, 'active');
      assert.equal(img.disk_format, 'raw');
      assert.equal(img.nubis_original_disk_format, 'qcow2');
      assert.equal(img.size, raw.length);
      assert.equal((await c.verify(id, img)).format, 'raw');
    } finally {
      await c.t.close();
    }
  });
});
