// What every step component gets: the form, a way to change it, its errors and the loaded lists.
import type { LaunchForm } from './launch-form';
import type { LaunchData } from './use-launch-data';

export interface StepProps {
  form: LaunchForm;
  update(patch: Partial<LaunchForm>): void;
  errors: Record<string, string>;
  data: LaunchData;
}
