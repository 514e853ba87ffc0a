import { useEffect, useState } from "react";
import { Spinner } from "./spinner.tsx";

type Drawn = { status: "drawing" } | { status: "drawn"; src: string } | { status: "failed" };

/**
 * `text` as a QR code, drawn in the browser: the secret it carries never
 * goes to another server. An SVG in a `data:` URL, which the CSP allows for
 * images (no inline markup, no style), dark on white whatever the theme, as
 * phone cameras read best. The library loads only when a code is drawn, so
 * the pages everyone opens do not carry it.
 */
export function QrCode({ text, alt }: { text: string; alt: string }) {
  const [drawn, setDrawn] = useState<Drawn>({ status: "drawing" });
  useEffect(() => {
    let current = true;
    setDrawn({ status: "drawing" });
    import("qrcode")
      .then(({ toString: toSvg }) =>
        toSvg(text, {
          type: "svg",
          errorCorrectionLevel: "M",
          margin: 2,
          color: { dark: "#141827", light: "#ffffff" },
        }),
      )
      .then(
        (svg) => {
          if (current)
            setDrawn({ status: "drawn", src: `data:image/svg+xml,${encodeURIComponent(svg)}` });
        },
        () => {
          if (current) setDrawn({ status: "failed" });
        },
      );
    return () => {
      current = false;
    };
  }, [text]);

  if (drawn.status === "drawn")
    return <img className="qr-code" src={drawn.src} alt={alt} width={200} height={200} />;
  return (
    <div className="qr-code qr-code-pending" role="status">
      {drawn.status === "drawing" ? (
        <>
          <Spinner /> Drawing the QR code…
        </>
      ) : (
        "The QR code could not be drawn: enter the key instead."
      )}
    </div>
  );
}
