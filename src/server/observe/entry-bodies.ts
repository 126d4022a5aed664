/**
 * Checking what is posted to a submission: metrics, quality results, statuses and run
 * environments (LucoPy's shapes, every field checked).
 *
 * @internal
 * @module
 */
import type { QualityAction, RunEnvironmentData } from '../../observe/model.js';
import { OBSERVE_LIMITS } from '../../observe/model.js';
import { invalid, line, onlyFields, optionalLine, text } from './fields.js';

/** Posted metrics. */
export interface MetricsBody {
  readonly stage: string;
  readonly metrics: readonly { readonly metric: string; readonly value: number }[];
}

/** A posted quality result. */
export interface QualityBody {
  readonly stage: string;
  readonly tool: string;
  readonly results: string;
  readonly dataset?: string;
  readonly action: QualityAction;
}

/** A posted status. */
export interface StatusBody {
  readonly status: string;
  readonly stage?: string;
  readonly type?: string;
  readonly message?: string;
  readonly modifiedBy?: string;
}

/** Posted run environments. */
export interface RunEnvironmentBody {
  readonly stage?: string;
  readonly runEnvironments: readonly RunEnvironmentData[];
}

const STATUS = /^[A-Za-z][A-Za-z0-9 _-]{0,63}$/;
const ENV_KEY = /^[A-Za-z0-9_.:-]{1,128}$/;

function metricValue(value: unknown, field: string): number {
  // LucoPy 1.2.4 dropped zeros; here 0 is a value like any other. Strings are refused, not coerced.
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid('INVALID_METRIC', `${field} must be a finite number (0 is allowed)`);
  }
  return value;
}

/**
 * Check posted metrics: `{ stage, metrics: [{ metric, value }] }` or `{ stage, metrics: { name: value } }`.
 *
 * @param body - the JSON body
 */
export function checkMetrics(body: Record<string, unknown>): MetricsBody {
  onlyFields(body, ['stage', 'metrics'], 'the metrics');
  const stage = line(body.stage, 'stage', 64, 'INVALID_METRIC');
  const given = body.metrics;
  let pairs: [unknown, unknown, string][];
  if (Array.isArray(given)) {
    pairs = given.map((item: unknown, index) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw invalid('INVALID_METRIC', `metrics[${index}] must be an object { metric, value }`);
      }
      onlyFields(item as Record<string, unknown>, ['metric', 'value'], `metrics[${index}]`);
      const { metric, value } = item as { metric?: unknown; value?: unknown };
      return [metric, value, `metrics[${index}]`];
    });
  } else if (typeof given === 'object' && given !== null) {
    pairs = Object.entries(given).map(([metric, value]) => [metric, value, `metrics.${metric.slice(0, 64)}`]);
  } else {
    throw invalid(
      'INVALID_METRIC',
      'metrics must be a list of { metric, value } or an object of metric: value',
    );
  }
  if (pairs.length === 0 || pairs.length > OBSERVE_LIMITS.metricsPerRequest) {
    throw invalid('INVALID_METRIC', `metrics must hold 1 to ${OBSERVE_LIMITS.metricsPerRequest} metrics`);
  }
  const seen = new Set<string>();
  const metrics = pairs.map(([metric, value, field]) => {
    const name = line(metric, `${field}.metric`, 128, 'INVALID_METRIC');
    if (seen.has(name)) throw invalid('INVALID_METRIC', `${field}.metric repeats an earlier metric`);
    seen.add(name);
    return { metric: name, value: metricValue(value, `${field}.value`) };
  });
  return { stage, metrics };
}

/**
 * Check a posted quality result.
 *
 * @param body - the JSON body (`dataSet` is accepted for `dataset`, as Luco spells it)
 */
export function checkQuality(body: Record<string, unknown>): QualityBody {
  onlyFields(body, ['stage', 'tool', 'results', 'dataset', 'dataSet', 'action'], 'the quality result');
  if (body.dataset !== undefined && body.dataSet !== undefined) {
    throw invalid('INVALID_QUALITY', 'give dataset or dataSet, not both');
  }
  const action = typeof body.action === 'string' ? body.action.toLowerCase() : undefined;
  if (action !== 'continued' && action !== 'cancelled') {
    throw invalid('INVALID_QUALITY', 'action must be "continued" or "cancelled"');
  }
  const dataset = optionalLine(body.dataset ?? body.dataSet, 'dataset', 256, 'INVALID_QUALITY');
  return {
    stage: line(body.stage, 'stage', 64, 'INVALID_QUALITY'),
    tool: line(body.tool, 'tool', 128, 'INVALID_QUALITY'),
    results: text(body.results, 'results', 4096, 'INVALID_QUALITY'),
    ...(dataset === undefined ? {} : { dataset }),
    action,
  };
}

/**
 * Check a posted status.
 *
 * @param body - the JSON body
 */
export function checkStatus(body: Record<string, unknown>): StatusBody {
  onlyFields(body, ['status', 'stage', 'type', 'message', 'modifiedBy'], 'the status');
  if (typeof body.status !== 'string' || !STATUS.test(body.status)) {
    throw invalid(
      'INVALID_STATUS',
      'status must be 1-64 letters, digits, spaces, "_" or "-", starting with a letter',
    );
  }
  const stage = optionalLine(body.stage, 'stage', 64, 'INVALID_STATUS');
  const type = optionalLine(body.type, 'type', 64, 'INVALID_STATUS');
  const message =
    body.message === undefined || body.message === null
      ? undefined
      : text(body.message, 'message', 2000, 'INVALID_STATUS');
  const modifiedBy = optionalLine(body.modifiedBy, 'modifiedBy', 128, 'INVALID_STATUS');
  return {
    status: body.status,
    ...(stage === undefined ? {} : { stage }),
    ...(type === undefined ? {} : { type }),
    ...(message === undefined ? {} : { message }),
    ...(modifiedBy === undefined ? {} : { modifiedBy }),
  };
}

/**
 * Check one run environment: a flat object of text, number, boolean or null values.
 *
 * @param value - the candidate
 * @param field - its name
 */
export function checkEnvironment(value: unknown, field: string): RunEnvironmentData {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('INVALID_RUN_ENVIRONMENT', `${field} must be an object of name: value`);
  }
  const entries = Object.entries(value);
  if (entries.length > OBSERVE_LIMITS.runEnvironmentKeys) {
    throw invalid(
      'INVALID_RUN_ENVIRONMENT',
      `${field} has more than ${OBSERVE_LIMITS.runEnvironmentKeys} entries`,
    );
  }
  const data: Record<string, string | number | boolean | null> = {};
  for (const [key, item] of entries) {
    if (!ENV_KEY.test(key)) {
      throw invalid(
        'INVALID_RUN_ENVIRONMENT',
        `${field} keys must be 1-128 letters, digits, "_", ".", ":" or "-"`,
      );
    }
    if (typeof item === 'string') data[key] = text(item, `${field}.${key}`, 1024, 'INVALID_RUN_ENVIRONMENT');
    else if (
      (typeof item === 'number' && Number.isFinite(item)) ||
      typeof item === 'boolean' ||
      item === null
    ) {
      data[key] = item;
    } else {
      throw invalid(
        'INVALID_RUN_ENVIRONMENT',
        `${field}.${key} must be a text, a finite number, a boolean or null`,
      );
    }
  }
  return data;
}

/**
 * Check posted run environments: `{ stage?, runEnvironments: [ {…} ] }` (LucoPy's `runData`
 * is accepted for `runEnvironments`; one object for a list of one).
 *
 * @param body - the JSON body
 */
export function checkRunEnvironment(body: Record<string, unknown>): RunEnvironmentBody {
  onlyFields(body, ['stage', 'runEnvironments', 'runData'], 'the run environment');
  const stage = optionalLine(body.stage, 'stage', 64, 'INVALID_RUN_ENVIRONMENT');
  const given = body.runEnvironments ?? body.runData;
  const list = Array.isArray(given) ? given : given === undefined ? [] : [given];
  if (list.length === 0 || list.length > OBSERVE_LIMITS.runEnvironments) {
    throw invalid(
      'INVALID_RUN_ENVIRONMENT',
      `runEnvironments must hold 1 to ${OBSERVE_LIMITS.runEnvironments} objects`,
    );
  }
  return {
    ...(stage === undefined ? {} : { stage }),
    runEnvironments: list.map((item: unknown, index) => checkEnvironment(item, `runEnvironments[${index}]`)),
  };
}
