// Uploads an image's data with XMLHttpRequest: fetch() reports no upload progress, and the progress
// bar is the point of the dialog for a multi-GiB file.
import { ApiError, errorMessage } from '../../api/http';

export interface UploadHandle { done: Promise<void>; abort(): void }

export function uploadImageData(base: string, token: string, imageId: string, file: Blob,
  onProgress: (loaded: number, total: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<void>((resolve, reject) => {
    xhr.open('PUT', `${base}/images/${encodeURIComponent(imageId)}/file`);
    xhr.setRequestHeader('X-Auth-Token', token);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      if (xhr.status >= 400) {
        let body: unknown = xhr.responseText;
        try { body = JSON.parse(xhr.responseText); } catch { /* plain text body */ }
        reject(new ApiError(xhr.status, errorMessage(body, xhr.status), body));
      } else {
        onProgress(file.size, file.size);
        resolve();
      }
    };
    xhr.onerror = () => reject(new ApiError(0, 'The upload failed: the cloud cannot be reached.'));
    xhr.onabort = () => reject(Object.assign(new Error('The upload was cancelled.'), { name: 'AbortError' }));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}
