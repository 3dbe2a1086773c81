// Every list the wizard needs, loaded when the page opens (each with its own error). The quota
// figures are read again whenever the wizard comes back into view: instances made or deleted
// elsewhere in the meantime change what this launch may use.
import { useEffect } from 'react';
import { useSession } from '../../app/session';
import { useResource } from '../../app/use-resource';
import * as data from './launch-data';

export function useLaunchData() {
  const { api, project } = useSession();
  const loaded = {
    zones: useResource((s) => data.loadZones(api, s), [api]),
    limits: useResource((s) => data.loadLimits(api, s), [api]),
    images: useResource((s) => data.loadImages(api, s), [api]),
    volumes: useResource((s) => data.loadVolumes(api, s), [api]),
    volumeSnapshots: useResource((s) => data.loadVolumeSnapshots(api, s), [api]),
    flavors: useResource((s) => data.loadFlavors(api, s), [api]),
    // An admin token lists every project's networks: keep the ones this project may plug into.
    networks: useResource(async (s) => (await data.loadNetworks(api, s))
      .filter((n) => n.project_id === project.id || n.shared || n['router:external']), [api, project.id]),
    subnets: useResource((s) => data.loadSubnets(api, s), [api]),
    ports: useResource((s) => data.loadPorts(api, project.id, s), [api, project.id]),
    securityGroups: useResource((s) => data.loadSecurityGroups(api, project.id, s), [api, project.id]),
    keypairs: useResource((s) => data.loadKeypairs(api, s), [api]),
    serverGroups: useResource((s) => data.loadServerGroups(api, s), [api]),
  };
  const reloadLimits = loaded.limits.reload;
  useEffect(() => {
    const again = () => { if (document.visibilityState === 'visible') void reloadLimits(); };
    document.addEventListener('visibilitychange', again);
    window.addEventListener('focus', again);
    return () => { document.removeEventListener('visibilitychange', again); window.removeEventListener('focus', again); };
  }, [reloadLimits]);
  return loaded;
}

export type LaunchData = ReturnType<typeof useLaunchData>;
