// An API error shown as a readable message next to what caused it (role=alert: read out at once).
export function ErrorNote({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="error-note" role="alert">
      {title && <strong>{title}: </strong>}
      {message}
    </div>
  );
}
