import { recoveryCodesFile, recoveryCodesFileName } from "../format/recovery-codes-file.ts";
import { CopyButton } from "./copy-button.tsx";

interface RecoveryCodesProps {
  codes: readonly string[];
  /** Whose codes they are (the address), written into the downloaded file. */
  account: string;
}

/**
 * A fresh set of recovery codes, on the one screen that will ever show them:
 * the server keeps only their hashes. So the warning comes first, and the
 * two ways to keep them (the clipboard, for a password manager, and a file)
 * sit right under the list.
 */
export function RecoveryCodes({ codes, account }: RecoveryCodesProps) {
  const madeAt = new Date();
  const text = recoveryCodesFile(codes, account, madeAt);

  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = recoveryCodesFileName(madeAt);
    link.click();
    // The click has handed the file to the browser; the URL is not needed after this task.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };

  return (
    <div className="recovery-codes">
      <p className="recovery-warning">
        <strong>Store these now: they will not be shown again.</strong> If you lose your phone, each
        code logs you in once in place of a code from the app. Keep them somewhere safe, such as
        your password manager.
      </p>
      <ol className="recovery-list" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div className="actions">
        <CopyButton text={codes.join("\n")} label="Copy" />
        <button type="button" className="button button-secondary" onClick={download}>
          Download (.txt)
        </button>
      </div>
    </div>
  );
}
