/**
 * A form generated from a node type's JSON Schema: no per-node UI code. Scalars become inputs, enums
 * selects, booleans checkboxes, lists and records (name → value) editable rows, nested objects fieldsets.
 * Descriptions are the help text, defaults are shown as the value until changed, and a server error for
 * `parameters.<path>` is shown under that field.
 */
import { useId } from "react";
import { CodeField } from "./code-field";
import { ExpressionInput } from "./expression-input";
import { WORKFLOW_ID_FORMAT, WorkflowPicker } from "./workflow-picker";
import {
  emptyValueFor,
  fieldKind,
  formatLooseValue,
  labelFor,
  optionLabel,
  emptyOptionLabel,
  addButtonLabel,
  parseLooseValue,
  unwrapNullable,
  type JsonSchema,
} from "./json-schema";

export interface FormContext {
  upstreamNames: string[];
  /** Server problems by path (`parameters.url`, `parameters.rules.0.output`). */
  errors: Record<string, string>;
  onChange: (path: string[], value: unknown) => void;
}

export function SchemaForm({
  schema,
  value,
  context,
}: {
  schema: JsonSchema;
  value: Record<string, unknown>;
  context: FormContext;
}) {
  const kind = fieldKind(schema);
  if (kind.kind !== "object" || kind.properties.length === 0) {
    return <p className="muted">This node has no parameters.</p>;
  }
  return (
    <div className="schema-form">
      {kind.properties.map(([name, property]) => (
        <SchemaField
          key={name}
          name={name}
          schema={property}
          value={value[name]}
          required={kind.required.has(name)}
          path={["parameters", name]}
          context={context}
        />
      ))}
    </div>
  );
}

interface FieldProps {
  name: string;
  schema: JsonSchema;
  value: unknown;
  required: boolean;
  path: string[];
  context: FormContext;
  /** Inside a list item or record row the label is given by the row. */
  hideLabel?: boolean;
}

/** The accessible name of a control without a visible label (a record value, a list item). */
const hiddenLabel = (hide: boolean | undefined, name: string) => (hide ? name : undefined);

function SchemaField({ name, schema: rawSchema, value, required, path, context, hideLabel }: FieldProps) {
  const schema = unwrapNullable(rawSchema);
  const id = useId();
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const error = context.errors[path.join(".")];
  const kind = fieldKind(schema);
  const label = labelFor(name, schema);
  const set = (next: unknown) => context.onChange(path, next);
  const describedBy =
    [schema.description ? helpId : "", error ? errorId : ""].filter(Boolean).join(" ") || undefined;
  const current = value === undefined ? schema.default : value;

  let control: React.ReactNode;
  switch (kind.kind) {
    case "enum":
      control = (
        <select
          id={id}
          aria-label={hiddenLabel(hideLabel, label)}
          className="input input-sm"
          value={current === undefined ? "" : String(current)}
          aria-invalid={Boolean(error) || undefined}
          aria-describedby={describedBy}
          onChange={(event) => set(event.target.value === "" ? undefined : event.target.value)}
        >
          {(current === undefined || !required) && <option value="">{emptyOptionLabel(schema)}</option>}
          {kind.options.map((option) => (
            <option key={option} value={option}>
              {optionLabel(option, schema)}
            </option>
          ))}
        </select>
      );
      break;
    case "boolean":
      control = (
        <input
          id={id}
          type="checkbox"
          className="checkbox"
          checked={current === true}
          aria-describedby={describedBy}
          onChange={(event) => set(event.target.checked)}
        />
      );
      break;
    case "number":
      control = (
        <input
          id={id}
          type="number"
          aria-label={hiddenLabel(hideLabel, label)}
          className="input input-sm"
          value={typeof current === "number" ? current : ""}
          min={schema.minimum}
          max={schema.maximum}
          step={kind.integer ? 1 : "any"}
          aria-invalid={Boolean(error) || undefined}
          aria-describedby={describedBy}
          onChange={(event) => set(event.target.value === "" ? undefined : Number(event.target.value))}
        />
      );
      break;
    case "string":
      control =
        schema.format === WORKFLOW_ID_FORMAT ? (
          <WorkflowPicker
            id={id}
            value={typeof value === "string" ? value : undefined}
            label={hiddenLabel(hideLabel, label)}
            invalid={Boolean(error)}
            describedBy={describedBy}
            onChange={(workflowId) => set(workflowId)}
          />
        ) : (
          <ExpressionInput
            id={id}
            value={typeof value === "string" ? value : ""}
            label={hiddenLabel(hideLabel, label)}
            placeholder={typeof schema.default === "string" ? schema.default : undefined}
            onChange={(text) => set(text === "" && !required ? undefined : text)}
            upstreamNames={context.upstreamNames}
            multiline={kind.multiline}
            invalid={Boolean(error)}
            describedBy={describedBy}
          />
        );
      break;
    case "code":
      control = (
        <CodeField
          id={id}
          value={typeof current === "string" ? current : ""}
          label={label}
          onChange={(text) => set(text)}
          upstreamNames={context.upstreamNames}
          invalid={Boolean(error)}
          describedBy={describedBy}
        />
      );
      break;
    case "any":
      control = (
        <ExpressionInput
          id={id}
          value={formatLooseValue(value)}
          label={hiddenLabel(hideLabel, label)}
          placeholder={
            schema.default !== undefined ? formatLooseValue(schema.default) : "Text, JSON or {{ expression }}"
          }
          onChange={(text) => set(text === "" ? undefined : parseLooseValue(text))}
          upstreamNames={context.upstreamNames}
          json
          multiline
          invalid={Boolean(error)}
          describedBy={describedBy}
        />
      );
      break;
    case "record":
      control = (
        <RecordEditor value={current} values={kind.values} path={path} context={context} label={label} />
      );
      break;
    case "list":
      control = <ListEditor value={current} items={kind.items} path={path} context={context} label={label} />;
      break;
    case "object":
      control = (
        <div className="schema-object">
          {kind.properties.map(([child, property]) => (
            <SchemaField
              key={child}
              name={child}
              schema={property}
              value={(current as Record<string, unknown> | undefined)?.[child]}
              required={kind.required.has(child)}
              path={[...path, child]}
              context={{
                ...context,
                onChange: (childPath, next) =>
                  childPath.length === path.length + 1
                    ? set({ ...((current as object) ?? {}), [child]: next })
                    : context.onChange(childPath, next),
              }}
            />
          ))}
        </div>
      );
      break;
  }

  const inline = kind.kind === "boolean";
  return (
    <div
      className={`schema-field kind-${kind.kind}${inline ? " is-inline" : ""}`}
      data-field={path.join(".")}
    >
      {!hideLabel && (
        <label
          className="field-label"
          htmlFor={kind.kind === "record" || kind.kind === "list" || kind.kind === "object" ? undefined : id}
        >
          {label}
          {required && (
            <span className="required" aria-label="required">
              {" "}
              *
            </span>
          )}
        </label>
      )}
      {control}
      {schema.description && (
        <span id={helpId} className="field-hint">
          {schema.description}
        </span>
      )}
      {error && (
        <span id={errorId} className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

function RecordEditor({
  value,
  values,
  path,
  context,
  label,
}: {
  value: unknown;
  values: JsonSchema;
  path: string[];
  context: FormContext;
  label: string;
}) {
  const record = (value && typeof value === "object" && !Array.isArray(value) ? value : {}) as Record<
    string,
    unknown
  >;
  const entries = Object.entries(record);
  const write = (next: [string, unknown][]) => context.onChange(path, Object.fromEntries(next));
  return (
    <div className="record-editor">
      {entries.map(([key, item], index) => (
        <div className="record-row" key={index}>
          <input
            className="input input-sm record-key"
            aria-label={`${label} name ${index + 1}`}
            placeholder="name"
            value={key}
            onChange={(event) => write(entries.map((e, i) => (i === index ? [event.target.value, e[1]] : e)))}
          />
          <div className="record-value">
            <SchemaField
              name={`${label} value ${index + 1}`}
              schema={values}
              value={item}
              required
              hideLabel
              path={[...path, key]}
              context={{
                ...context,
                onChange: (childPath, next) =>
                  childPath.length === path.length + 1
                    ? write(entries.map((e, i) => (i === index ? [e[0], next ?? ""] : e)))
                    : context.onChange(childPath, next),
              }}
            />
          </div>
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            aria-label={`Remove ${key || `row ${index + 1}`}`}
            onClick={() => write(entries.filter((_, i) => i !== index))}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        className="btn btn-secondary btn-sm"
        onClick={() => {
          let key = "field";
          for (let i = 1; key in record; i++) key = `field${i}`;
          write([...entries, [key, emptyValueFor(values)]]);
        }}
      >
        {addButtonLabel(label)}
      </button>
    </div>
  );
}

function ListEditor({
  value,
  items,
  path,
  context,
  label,
}: {
  value: unknown;
  items: JsonSchema;
  path: string[];
  context: FormContext;
  label: string;
}) {
  const list = Array.isArray(value) ? value : [];
  const write = (next: unknown[]) => context.onChange(path, next);
  return (
    <div className="list-editor">
      {list.map((item, index) => (
        <div className="list-item" key={index}>
          <div className="list-item-body">
            <SchemaField
              name={`${label} ${index + 1}`}
              schema={items}
              value={item}
              required
              hideLabel={fieldKind(items).kind !== "object"}
              path={[...path, String(index)]}
              context={{
                ...context,
                onChange: (childPath, next) =>
                  childPath.length === path.length + 1
                    ? write(list.map((old, i) => (i === index ? next : old)))
                    : context.onChange(childPath, next),
              }}
            />
          </div>
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            aria-label={`Remove ${label.toLowerCase()} ${index + 1}`}
            onClick={() => write(list.filter((_, i) => i !== index))}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        className="btn btn-secondary btn-sm"
        onClick={() => write([...list, emptyValueFor(items)])}
      >
        {addButtonLabel(label)}
      </button>
    </div>
  );
}
