// Uploading a volume to an image (os-volume_upload_image): the storage agent PUTs the volume's data
// to the image API with the user's token. The volume goes back to where it was either way; a
// failure leaves a user message (the image stays `queued`, which Glance users can delete).
import { backendOf } from '../context.js';
import { errText, loadVolume, transition, type Work } from './manager-kit.js';
import { ACTION, DETAIL, leaveMessage } from './user-message-events.js';

export async function runUploadToImage(w: Work, volumeId: string, imageId: string, diskFormat: string, token: string,
  previous: 'available' | 'in-use'): Promise<void> {
  const vol = await loadVolume(w, volumeId);
  if (!vol || vol.status !== 'uploading') return;
  try {
    if (!vol.host) throw new Error(`Volume ${volumeId} is on no backend.`);
    await w.ctx.agent(backendOf(vol.host)).copyToImage(volumeId, { url: w.deps.images.fileUrl(imageId), authToken: token, diskFormat },
      previous === 'in-use');
    await transition(w, 'volume', volumeId, ['uploading'], { status: previous });
  } catch (err) {
    const reason = errText(err);
    w.deps.log.warn({ volumeId, imageId, err: reason }, 'volume upload to image failed');
    await transition(w, 'volume', volumeId, ['uploading'], { status: previous });
    await leaveMessage(w.deps, vol.project_id, 'VOLUME', volumeId, ACTION.copyVolumeToImage, DETAIL.failedToUploadVolume);
  }
}
