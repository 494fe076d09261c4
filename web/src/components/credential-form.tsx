/**
 * The create/edit form of a credential, generated from its type's JSON Schema (GET /api/credential-types):
 * one input per property, a select for enums, a password input for secret (`writeOnly`) fields. When
 * editing, secret fields start blank and a blank secret keeps the stored value.
 */
import { useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import type { Credential, CredentialType, JsonSchemaProperty } from "../api/credentials";

interface CredentialFormProps {
  types: CredentialType[];
  /** Editing this credential; absent: creating a new one. */
  editing?: Credential;
  onSubmit: (body: { name: string; type: string; data: Record<string, unknown> }) => Promise<ApiError | null>;
  onCancel: () => void;
}

/** `clientId` → "Client ID", `apiKey` → "API key". */
export function fieldLabel(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  const text = words.charAt(0).toUpperCase() + words.slice(1);
  return text
    .replace(/\b(Url|url)\b/g, "URL")
    .replace(/\bid\b/gi, "ID")
    .replace(/\bapi\b/gi, "API")
    .replace(/\bhmac\b/gi, "HMAC");
}

export function CredentialForm({ types, editing, onSubmit, onCancel }: CredentialFormProps) {
  const [type, setType] = useState(editing?.type ?? types[0]?.type ?? "");
  const [name, setName] = useState(editing?.name ?? "");
  const [values, setValues] = useState<Record<string, string>>(() => initialValues(editing));
  const [errors, setErrors] = useState<{ form?: string; fields: Record<string, string> }>({ fields: {} });
  const [busy, setBusy] = useState(false);
  const def = types.find((t) => t.type === type);
  const properties = Object.entries(def?.schema.properties ?? {});
  const required = new Set(def?.schema.required ?? []);
  const formId = editing ? `credential-${editing.id}` : "credential-new";

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!def) return;
    const data: Record<string, unknown> = {};
    for (const [field, prop] of properties) {
      const value = (values[field] ?? defaultOf(prop)).trim();
      const secret = def.secretFields.includes(field);
      if (value !== "") data[field] = value;
      // Clearing a readable optional field removes it; a blank secret keeps the stored one.
      else if (editing && !secret && editing.data[field] !== undefined && !prop.enum) data[field] = null;
    }
    setBusy(true);
    const error = await onSubmit({ name: name.trim(), type, data });
    setBusy(false);
    if (!error) return;
    const fields: Record<string, string> = {};
    for (const issue of Array.isArray(error.details) ? error.details : []) {
      const path = (issue as { path?: string[] }).path ?? [];
      if (path[0] === "data" && path[1]) fields[path[1]] = (issue as { message: string }).message;
    }
    setErrors({ form: Object.keys(fields).length ? undefined : error.message, fields });
  }

  return (
    <form
      className="card credential-form"
      onSubmit={submit}
      aria-label={editing ? `Edit ${editing.name}` : "New credential"}
    >
      <h2 className="card-title">{editing ? `Edit “${editing.name}”` : "New credential"}</h2>
      {!editing && (
        <div className="field">
          <label className="field-label" htmlFor={`${formId}-type`}>
            Type
          </label>
          <select
            id={`${formId}-type`}
            className="input"
            value={type}
            aria-describedby={def ? `${formId}-type-hint` : undefined}
            onChange={(e) => {
              setType(e.target.value);
              setValues({});
              setErrors({ fields: {} });
            }}
            disabled={busy}
          >
            {types.map((t) => (
              <option key={t.type} value={t.type}>
                {t.title}
              </option>
            ))}
          </select>
          {def && (
            <span id={`${formId}-type-hint`} className="field-hint">
              {def.description}
            </span>
          )}
        </div>
      )}
      <label className="field">
        <span className="field-label">Name</span>
        <input
          className="input"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. Stripe production key"
          maxLength={200}
          required
          disabled={busy}
        />
      </label>
      {properties.map(([field, prop]) => (
        <SchemaField
          key={`${type}-${field}`}
          id={`${formId}-${field}`}
          field={field}
          prop={prop}
          secret={def?.secretFields.includes(field) ?? false}
          required={required.has(field) && !(editing && def?.secretFields.includes(field))}
          editing={!!editing}
          value={values[field] ?? defaultOf(prop)}
          error={errors.fields[field]}
          disabled={busy}
          onChange={(value) => setValues((v) => ({ ...v, [field]: value }))}
        />
      ))}
      {def?.oauth2 && (
        <p className="field-hint">
          Register this callback URL with the provider:{" "}
          <code>{`${window.location.origin}/api/integrations/oauth2/callback`}</code>. After saving, press
          Connect.
        </p>
      )}
      {errors.form && (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      )}
      <div className="create-actions">
        <button type="button" className="btn btn-ghost" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy || !def}>
          {busy ? "Saving…" : editing ? "Save changes" : "Save credential"}
        </button>
      </div>
    </form>
  );
}

function SchemaField(props: {
  id: string;
  field: string;
  prop: JsonSchemaProperty;
  secret: boolean;
  required: boolean;
  editing: boolean;
  value: string;
  error?: string;
  disabled: boolean;
  onChange: (value: string) => void;
}) {
  const { prop, secret } = props;
  const hintId = `${props.id}-hint`;
  const hint =
    secret && props.editing
      ? "Stored and hidden. Leave blank to keep it; type to replace it."
      : prop.description;
  const common = {
    id: props.id,
    className: "input",
    value: props.value,
    disabled: props.disabled,
    required: props.required,
    "aria-describedby": hint ? hintId : undefined,
    "aria-invalid": props.error ? true : undefined,
  };
  return (
    <div className="field">
      <label className="field-label" htmlFor={props.id}>
        {prop.title ?? fieldLabel(props.field)}
        {!props.required && !secret && <span className="muted"> (optional)</span>}
      </label>
      {prop.enum ? (
        <select {...common} onChange={(e) => props.onChange(e.target.value)}>
          {prop.enum.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      ) : (
        <input
          {...common}
          type={secret ? "password" : prop.format === "uri" ? "url" : "text"}
          autoComplete={secret ? "new-password" : "off"}
          placeholder={secret && props.editing ? "•••••••• (unchanged)" : undefined}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
      {hint && (
        <span id={hintId} className="field-hint">
          {hint}
        </span>
      )}
      {props.error && <span className="form-error">{props.error}</span>}
    </div>
  );
}

function initialValues(editing?: Credential): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [field, value] of Object.entries(editing?.data ?? {})) {
    if (typeof value === "string") values[field] = value;
  }
  return values;
}

/** What a field shows before the person types: the schema default, or an enum's first option. */
function defaultOf(prop: JsonSchemaProperty): string {
  if (typeof prop.default === "string") return prop.default;
  return prop.enum?.[0] ?? "";
}
