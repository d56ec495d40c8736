/** The one offline state every screen shows while the gateway (or the office server it uses) does not answer (App.tsx swaps it in). */
export function OfflineNotice({ server = null }: { server?: string | null }) {
  return (
    <section className="card offline" role="alert" aria-labelledby="offline-title" data-testid="offline">
      {server ? (
        <>
          <h1 id="offline-title">The office server is not answering</h1>
          <p>
            This window cannot reach <strong>{server}</strong>: the server may be restarting, or this computer has lost its network. It
            reconnects by itself as soon as the server is back: there is nothing to reload. Faxes the server already accepted are still in
            its outbox.
          </p>
          <p className="muted">
            If it does not come back within a few minutes, ask your administrator whether the office server is running.
          </p>
        </>
      ) : (
        <>
          <h1 id="offline-title">The fax gateway is not answering</h1>
          <p>
            It is restarting or has stopped. This window reconnects by itself as soon as it is back: there is nothing to reload. Faxes it
            already accepted wait in the outbox and are sent when it returns.
          </p>
          <p className="muted">
            If it does not come back within a minute, start Faxbot Desktop again (or, on a server, <span className="mono">npm start</span>).
          </p>
        </>
      )}
      <p className="muted offline-retrying" aria-hidden="true">
        Checking again every few seconds…
      </p>
    </section>
  );
}
