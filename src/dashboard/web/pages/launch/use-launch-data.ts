// Every list the wizard needs, loaded once when the page opens (each with its own error).
import { useSession } from '../../app/session';
import { useResource } from '../../app/use-resource';
import * as data from './launch-data';

export function useLaunchData() {
  const { api, project } = useSession();
  return {
    zones: useResource((s) => data.loadZones(api, s), [api]),
    limits: useResource((s) => data.loadLimits(api, s), [api]),
    images: useResource((s) => data.loadImages(api, s), [api]),
    volumes: useResource((s) => data.loadVolumes(api, s), [api]),
    volumeSnapshots: useResource((s) => data.loadVolumeSnapshots(api, s), [api]),
    flavors: useResource((s) => data.loadFlavors(api, s), [api]),
    // An admin token lists every project's networks: keep the ones this project may plug into.
    networks: useResource(async (s) => (await data.loadNetworks(api, s))
      .filter((n) => n.project_id === project.id || n.shared || n['router:external']), [api, project.id]),
    securityGroups: useResource((s) => data.loadSecurityGroups(api, project.id, s), [api, project.id]),
    keypairs: useResource((s) => data.loadKeypairs(api, s), [api]),
  };
}

export type LaunchData = ReturnType<typeof useLaunchData>;
