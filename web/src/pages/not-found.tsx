import { Link } from "@tanstack/react-router";

export function NotFoundPage() {
  return (
    <div className="centered-page">
      <div className="state">
        <h1 className="state-title">Page not found</h1>
        <p>There is nothing at this address.</p>
        <Link to="/workflows" className="btn btn-primary">
          Go to workflows
        </Link>
      </div>
    </div>
  );
}
