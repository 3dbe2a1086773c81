// Every page of the dashboard: its path, its place in the navigation, and whether it is an admin
// page (shown and opened only with the admin role; the APIs refuse others anyway).
import type { ComponentType } from 'react';
import { OverviewPage } from '../pages/overview/OverviewPage';
import { InstancesPage } from '../pages/instances/InstancesPage';
import { InstanceDetailPage } from '../pages/instances/InstanceDetailPage';
import { InstanceConsolePage } from '../pages/instances/InstanceConsolePage';
import { LaunchPage } from '../pages/launch/LaunchPage';
import { ImagesPage } from '../pages/images/ImagesPage';
import { VolumesPage } from '../pages/volumes/VolumesPage';
import { NetworksPage } from '../pages/network/NetworksPage';
import { NetworkDetailPage } from '../pages/network/NetworkDetailPage';
import { RoutersPage } from '../pages/network/RoutersPage';
import { RouterDetailPage } from '../pages/network/RouterDetailPage';
import { SecurityGroupsPage } from '../pages/network/SecurityGroupsPage';
import { SecurityGroupDetailPage } from '../pages/network/SecurityGroupDetailPage';
import { FloatingIpsPage } from '../pages/network/FloatingIpsPage';
import { KeyPairsPage } from '../pages/network/KeyPairsPage';
import { ServerGroupsPage } from '../pages/instances/ServerGroupsPage';
import { VolumeTypesPage } from '../pages/volumes/VolumeTypesPage';
import { TopologyPage } from '../pages/topology/TopologyPage';
import { UsageReportPage } from '../pages/admin/compute/UsageReportPage';
import { HypervisorsPage } from '../pages/admin/compute/HypervisorsPage';
import { AggregatesPage } from '../pages/admin/compute/AggregatesPage';
import { ComputeServicesPage } from '../pages/admin/compute/ComputeServicesPage';
import { FlavorsPage } from '../pages/admin/compute/FlavorsPage';
import { AllInstancesPage } from '../pages/admin/compute/AllInstancesPage';
import { AllImagesPage } from '../pages/admin/compute/AllImagesPage';
import { ProjectsPage } from '../pages/admin/identity/ProjectsPage';
import { UsersPage } from '../pages/admin/identity/UsersPage';
import { GroupsPage } from '../pages/admin/identity/GroupsPage';
import { RolesPage } from '../pages/admin/identity/RolesPage';
import { QuotasPage } from '../pages/admin/identity/QuotasPage';

export type PageProps = { params: Record<string, string> };

export interface Route {
  path: string;
  page: ComponentType<PageProps>;
  /** Navigation label (English, translated when shown); pages without one are reached by links. */
  nav?: string;
  group?: 'Compute' | 'Volumes' | 'Network' | 'Admin compute' | 'Admin identity';
  admin?: boolean;
}

// Order matters: the first match wins (/project/instances/launch before /project/instances/:id).
export const ROUTES: readonly Route[] = [
  { path: '/project', page: OverviewPage, nav: 'Overview', group: 'Compute' },
  { path: '/project/instances', page: InstancesPage, nav: 'Instances', group: 'Compute' },
  { path: '/project/instances/launch', page: LaunchPage },
  { path: '/project/instances/:id', page: InstanceDetailPage },
  { path: '/project/instances/:id/console', page: InstanceConsolePage },
  { path: '/project/images', page: ImagesPage, nav: 'Images', group: 'Compute' },
  { path: '/project/key-pairs', page: KeyPairsPage, nav: 'Key pairs', group: 'Compute' },
  { path: '/project/server-groups', page: ServerGroupsPage, nav: 'Server groups', group: 'Compute' },
  { path: '/project/volumes', page: VolumesPage, nav: 'Volumes', group: 'Volumes' },
  { path: '/project/topology', page: TopologyPage, nav: 'Network topology', group: 'Network' },
  { path: '/project/networks', page: NetworksPage, nav: 'Networks', group: 'Network' },
  { path: '/project/networks/:id', page: NetworkDetailPage },
  { path: '/project/routers', page: RoutersPage, nav: 'Routers', group: 'Network' },
  { path: '/project/routers/:id', page: RouterDetailPage },
  { path: '/project/security-groups', page: SecurityGroupsPage, nav: 'Security groups', group: 'Network' },
  { path: '/project/security-groups/:id', page: SecurityGroupDetailPage },
  { path: '/project/floating-ips', page: FloatingIpsPage, nav: 'Floating IPs', group: 'Network' },
  { path: '/admin', page: UsageReportPage, nav: 'Usage report', group: 'Admin compute', admin: true },
  { path: '/admin/hypervisors', page: HypervisorsPage, nav: 'Hypervisors', group: 'Admin compute', admin: true },
  { path: '/admin/aggregates', page: AggregatesPage, nav: 'Aggregates and zones', group: 'Admin compute', admin: true },
  { path: '/admin/services', page: ComputeServicesPage, nav: 'Compute services', group: 'Admin compute', admin: true },
  { path: '/admin/flavors', page: FlavorsPage, nav: 'Flavors', group: 'Admin compute', admin: true },
  { path: '/admin/instances', page: AllInstancesPage, nav: 'All instances', group: 'Admin compute', admin: true },
  { path: '/admin/images', page: AllImagesPage, nav: 'All images', group: 'Admin compute', admin: true },
  { path: '/admin/volume-types', page: VolumeTypesPage, nav: 'Volume types', group: 'Admin compute', admin: true },
  { path: '/admin/projects', page: ProjectsPage, nav: 'Projects', group: 'Admin identity', admin: true },
  { path: '/admin/users', page: UsersPage, nav: 'Users', group: 'Admin identity', admin: true },
  { path: '/admin/groups', page: GroupsPage, nav: 'Groups', group: 'Admin identity', admin: true },
  { path: '/admin/roles', page: RolesPage, nav: 'Roles and assignments', group: 'Admin identity', admin: true },
  { path: '/admin/quotas', page: QuotasPage, nav: 'Quotas', group: 'Admin identity', admin: true },
];
