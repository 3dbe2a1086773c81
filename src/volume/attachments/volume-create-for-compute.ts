// Creating a volume for compute (boot from volume: image → volume, snapshot → volume, blank), as
// the user and through the volume API's own create: the same body checks, source checks, type,
// zone and quota rules, then the manager's background create.
import type { AuthContext } from '../../platform/auth-context.js';
import type { NewVolumeRequest } from '../../compute/volume-access.js';
import type { VolumeContext } from '../context.js';
import { VolumeService } from '../volumes/volumes.service.js';

/** What POST /volumes would carry for the request (a 3.0 body: compute asks for nothing newer). */
export function createBody(req: NewVolumeRequest): Record<string, unknown> {
  // No size (0): the source's (a snapshot's), as POST /volumes without one.
  const volume: Record<string, unknown> = { name: req.name };
  if (req.sizeGb > 0) volume.size = req.sizeGb;
  if (req.imageId) volume.imageRef = req.imageId;
  if (req.snapshotId) volume.snapshot_id = req.snapshotId;
  if (req.sourceVolumeId) volume.source_volid = req.sourceVolumeId;
  if (req.availabilityZone) volume.availability_zone = req.availabilityZone;
  if (req.volumeType) volume.volume_type = req.volumeType;
  return { volume };
}

export async function createVolumeForCompute(ctx: VolumeContext, auth: AuthContext, req: NewVolumeRequest, authToken: string): Promise<string> {
  const row = await new VolumeService(ctx).create(auth, createBody(req), { major: 3, minor: 0 }, authToken);
  return row.id;
}
