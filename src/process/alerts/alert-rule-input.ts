/**
 * What an operator may set on an alert rule, checked before anything is stored: a threshold
 * in the kind's unit and range, a window only where the kind measures over one, known
 * channels. A refusal names the field and why (AlertRuleInputError), and changes nothing.
 */
import { ALERT_CHANNELS, ALERT_SEVERITIES, THRESHOLD_UNIT, WINDOWED_KINDS, type AlertChannel, type AlertRule, type AlertSeverity, type ThresholdUnit } from './alert-rules';

export class AlertRuleInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'AlertRuleInputError';
  }
}

export interface AlertRuleChange {
  threshold?: number | null;
  windowMinutes?: number | null;
  enabled?: boolean | null;
  severity?: AlertSeverity | null;
  channels?: AlertChannel[] | null;
}

/** A month: longer windows stop meaning "recent". */
const MAX_WINDOW_MINUTES = 43_200;
const RANGE: Record<Exclude<ThresholdUnit, 'none'>, [number, number]> = {
  ratio: [0, 1],
  minutes: [1, 43_200],
  hours: [1, 8_760],
  days: [0.01, 365],
};

/** The rule as it would be after `change`, or AlertRuleInputError. */
export function applyRuleChange(current: AlertRule, change: AlertRuleChange): AlertRule {
  const next = { ...current };
  const unit = THRESHOLD_UNIT[current.kind];
  if (change.threshold !== undefined && change.threshold !== null) {
    if (unit === 'none') throw new AlertRuleInputError('threshold', `${current.kind} fires on a state and has no threshold`);
    const [min, max] = RANGE[unit];
    if (!Number.isFinite(change.threshold) || change.threshold < min || change.threshold > max)
      throw new AlertRuleInputError('threshold', `${current.kind} counts its threshold in ${unit}: it must be between ${min} and ${max}`);
    next.threshold = change.threshold;
  }
  if (change.windowMinutes !== undefined && change.windowMinutes !== null) {
    if (!WINDOWED_KINDS.has(current.kind)) throw new AlertRuleInputError('windowMinutes', `${current.kind} looks at a state, not at a window of runs`);
    if (!Number.isInteger(change.windowMinutes) || change.windowMinutes < 1 || change.windowMinutes > MAX_WINDOW_MINUTES)
      throw new AlertRuleInputError('windowMinutes', `windowMinutes must be a whole number between 1 and ${MAX_WINDOW_MINUTES}`);
    next.windowMinutes = change.windowMinutes;
  }
  if (change.enabled !== undefined && change.enabled !== null) next.enabled = change.enabled;
  if (change.severity !== undefined && change.severity !== null) {
    if (!ALERT_SEVERITIES.includes(change.severity)) throw new AlertRuleInputError('severity', `severity must be one of ${ALERT_SEVERITIES.join(', ')}`);
    next.severity = change.severity;
  }
  if (change.channels !== undefined && change.channels !== null) {
    const unknown = change.channels.filter((c) => !ALERT_CHANNELS.includes(c));
    if (unknown.length) throw new AlertRuleInputError('channels', `unknown channels: ${unknown.join(', ')} (known: ${ALERT_CHANNELS.join(', ')})`);
    next.channels = [...new Set(change.channels)];
  }
  return next;
}
