// Every slice keeps its own Chinese strings; this merges them (the shared ones last: they win).
import { common } from './common';
import { instances } from './instances';
import { launch } from './launch';
import { images } from './images';
import { volumes } from './volumes';
import { network } from './network';
import { overview } from './overview';
import { topology } from './topology';
import { adminCompute } from './admin-compute';
import { adminIdentity } from './admin-identity';

export const zh: Record<string, string> = { ...instances, ...launch, ...images, ...volumes, ...network, ...overview, ...topology, ...adminCompute, ...adminIdentity, ...common };
