/**
 * "Listen for test event" on a URL trigger (webhook, Stripe, Google Form, GitHub): the editor waits for
 * the next call to the node's test URL and, since it follows every new execution of its workflow, shows
 * that run live on the canvas. The button only says what is happening; no polling is involved.
 */
import { useEffect, useRef, useState } from "react";

export function ListenForTestEvent({
  testUrl,
  latestExecutionId,
  saved,
}: {
  testUrl: string;
  /** The newest execution the editor follows; a new one while listening is the test event. */
  latestExecutionId: string | null;
  /** The test URL runs the saved draft: unsaved edits would not be what runs. */
  saved: boolean;
}) {
  const [listening, setListening] = useState(false);
  const [received, setReceived] = useState<string | null>(null);
  const seenAtStart = useRef<string | null>(null);

  useEffect(() => {
    if (listening && latestExecutionId && latestExecutionId !== seenAtStart.current) {
      setListening(false);
      setReceived(latestExecutionId);
    }
  }, [listening, latestExecutionId]);

  function start() {
    seenAtStart.current = latestExecutionId;
    setReceived(null);
    setListening(true);
  }

  return (
    <div className="listen-test" data-testid="listen-test">
      {listening ? (
        <div className="listen-test-waiting" role="status">
          <span className="listen-dot" aria-hidden="true" />
          <span>
            Waiting for a call to the test URL… Send one with <code>curl -X POST {testUrl}</code> or from the
            service.
          </span>
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => setListening(false)}>
            Stop listening
          </button>
        </div>
      ) : (
        <button type="button" className="btn btn-secondary btn-sm" onClick={start}>
          Listen for test event
        </button>
      )}
      {!saved && !listening && (
        <p className="field-hint">The test URL runs the saved workflow: save first to test these edits.</p>
      )}
      {received && !listening && (
        <p className="field-hint" role="status">
          Test event received: the run is shown on the canvas.
        </p>
      )}
    </div>
  );
}
