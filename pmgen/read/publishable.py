"""Which linked files may be published beside a page: an allow-list of inert kinds, and SVG
only when parsing it shows nothing in it can run or load anything. The only module that
parses XML (with defusedxml: no DTD subset, no entities, no external references).

A file published on the site's origin runs there when a reader opens it, so anything in
doubt is refused (PM308) and never copied.
"""

from __future__ import annotations

import codecs
import functools
import os
import re
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser


def _words(text: str) -> list[str]:
    """The words of a text block (long vocabularies read better as prose)."""
    return text.split()


# Inert when opened: images, data, PDF, text and logs. SVG is checked (see `svg_refusal`).
PUBLISHABLE_SUFFIXES = frozenset(
    {
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".webp",
        ".avif",
        ".bmp",
        ".csv",
        ".tsv",
        ".json",
        ".pdf",
        ".txt",
        ".log",
    }
)
# Kinds a browser runs as a page or a script: named as such in the finding.
RUNNABLE_SUFFIXES = frozenset(
    _words(
        """.html .htm .xhtml .xht .xhtm .shtml .xml .xsl .xslt .js .mjs .swf .svgz .mht .mhtml
        .hta .wasm .php .phtml"""
    )
)
MAX_SVG_BYTES = 5 * 1024 * 1024

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
# Editors' metadata (Inkscape, Sodipodi, RDF, Dublin Core, Creative Commons): no browser gives
# elements of these namespaces any behaviour, so they may stand anywhere in a checked SVG.
INERT_NAMESPACES = frozenset(
    {
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "http://purl.org/dc/elements/1.1/",
        "http://purl.org/dc/terms/",
        "http://creativecommons.org/ns#",
        "http://web.resource.org/cc/",
        "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
        "http://www.inkscape.org/namespaces/inkscape",
    }
)
# Namespaces whose attributes a browser reads: everything else on an element is inert.
_ACTIVE_ATTRIBUTE_NAMESPACES = frozenset({"", SVG, XLINK, XML, "http://www.w3.org/1999/xhtml"})


DRAWING_ELEMENTS = frozenset(
    _words(
        """svg g defs symbol use title desc metadata switch path rect circle ellipse line polyline
        polygon text tspan textPath linearGradient radialGradient stop pattern clipPath mask
        marker filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix
        feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB
        feFuncG feFuncR feGaussianBlur feMerge feMergeNode feMorphology feOffset fePointLight
        feSpecularLighting feSpotLight feTile feTurbulence style animate animateTransform
        animateMotion mpath set"""
    )
)
PRESENTATION_ATTRIBUTES = frozenset(
    _words(
        """id class style transform d x y x1 y1 x2 y2 cx cy r rx ry fx fy fr width height points
        viewBox preserveAspectRatio version baseProfile pathLength fill fill-opacity fill-rule
        stroke stroke-width stroke-linecap stroke-linejoin stroke-miterlimit stroke-dasharray
        stroke-dashoffset stroke-opacity opacity color display visibility overflow clip clip-path
        clip-rule mask marker-start marker-mid marker-end filter font-family font-size
        font-size-adjust font-stretch font-weight font-style font-variant text-anchor
        dominant-baseline alignment-baseline baseline-shift letter-spacing word-spacing
        text-decoration writing-mode direction unicode-bidi dx dy rotate textLength lengthAdjust
        startOffset method spacing side offset stop-color stop-opacity gradientUnits
        gradientTransform spreadMethod patternUnits patternContentUnits patternTransform
        clipPathUnits maskUnits maskContentUnits markerWidth markerHeight markerUnits refX refY
        orient filterUnits primitiveUnits in in2 result stdDeviation mode operator k1 k2 k3 k4
        values type tableValues slope intercept amplitude exponent flood-color flood-opacity
        lighting-color surfaceScale diffuseConstant specularConstant specularExponent
        kernelMatrix kernelUnitLength order divisor bias targetX targetY edgeMode preserveAlpha
        scale xChannelSelector yChannelSelector radius azimuth elevation pointsAtX pointsAtY
        pointsAtZ limitingConeAngle z baseFrequency numOctaves seed stitchTiles
        color-interpolation color-interpolation-filters color-rendering shape-rendering
        text-rendering image-rendering vector-effect paint-order mix-blend-mode isolation
        enable-background transform-origin transform-box href attributeName attributeType begin
        dur end repeatCount repeatDur from to by calcMode keyTimes keySplines keyPoints additive
        accumulate restart min max path media lang tabindex role focusable systemLanguage
        requiredFeatures requiredExtensions externalResourcesRequired zoomAndPan
        contentScriptType contentStyleType"""
    )
)
# What `<animate>` and `<set>` may change: never a reference, a handler or a style sheet.
ANIMATED = PRESENTATION_ATTRIBUTES - {"href", "style", "class", "id", "attributeName", "begin"}
_LOCAL_REFERENCE = re.compile(r"#[A-Za-z_][\w.:-]*")
_LOCAL_URL = re.compile(r"""url\(\s*(["']?)#[A-Za-z_][\w.:-]*\1\s*\)""", re.IGNORECASE)
_CSS_DANGER = re.compile(r"url\(|@import|image-set\(|expression\(|behavior|-moz-binding|\\", re.I)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_SCHEMES = re.compile(r"(?:javascript|vbscript|data|livescript):", re.IGNORECASE)
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")
_DECLARED = re.compile(rb"""^<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
# Byte-order marks, longest first (UTF-32 LE starts like UTF-16 LE).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def publish_refusal(path: Path, root: Path | None = None) -> str | None:
    """Why this linked file is not published (PM308), or None when it may be."""
    relative = path.relative_to(root) if root is not None and path.is_relative_to(root) else None
    parts = relative.parts if relative is not None else (path.name,)
    if any(_CONTROL.search(part) for part in parts):
        # A line break in a published name breaks `pmgen publish` (git reads names by line).
        return "its name holds a line break or another control character"
    if any(part.startswith(".") for part in parts):
        return "hidden files (a name starting with `.`) are never published"
    suffix = path.suffix.lower()
    if suffix == ".svg":
        try:
            info = path.stat()
        except OSError:
            return None  # gone: the link check reports it
        return _svg_verdict(str(path), info.st_size, info.st_mtime_ns, info.st_ino)
    if suffix in RUNNABLE_SUFFIXES:
        return f"a {suffix} file runs as a page or script when opened"
    if suffix not in PUBLISHABLE_SUFFIXES:
        kind = f"a {suffix} file" if suffix else "a file without an extension"
        return (
            f"{kind} is not a kind pmgen publishes (images, SVG without scripts, CSV, TSV, "
            "JSON, PDF, text and logs)"
        )
    return None


@functools.lru_cache(maxsize=256)
def _svg_verdict(path: str, size: int, mtime: int, inode: int) -> str | None:
    """The SVG check of one version of a file (keyed by its size, time and inode)."""
    if size > MAX_SVG_BYTES:
        return f"this SVG is larger than {MAX_SVG_BYTES // 1024 // 1024} MB, too large to check"
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_SVG_BYTES + 1)
    except OSError as error:
        return f"this SVG cannot be read to be checked ({os.strerror(error.errno or 0)})"
    return svg_refusal(data)


def svg_refusal(data: bytes) -> str | None:
    """Why this SVG could run code or load something when opened, or None when it is inert."""
    text = _decoded(data)
    if isinstance(text, _Refused):
        return text.reason
    checker = _Checker()
    parser = DefusedXMLParser(target=checker, encoding="utf-8", forbid_dtd=False)
    expat = parser.parser
    checker.expat = expat
    expat.StartDoctypeDeclHandler = checker.doctype
    expat.ProcessingInstructionHandler = checker.instruction
    try:
        parser.feed(text.encode("utf-8"))
        parser.close()
    except _Refused as refused:
        return refused.reason
    except DefusedXmlException:
        return "this SVG declares entities or loads an external document"
    except SyntaxError as error:  # ParseError: not well-formed
        return f"this SVG is not well-formed XML ({error.msg if hasattr(error, 'msg') else error})"
    if not checker.root_seen:
        return "this file holds no SVG element"
    return None


class _Refused(Exception):
    """A reason not to publish, raised from inside the parser to stop it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _decoded(data: bytes) -> str | _Refused:
    """The text of an SVG as a browser would decode it, or why that is in doubt."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                return _Refused(f"this SVG is not valid {encoding.upper()}")
            declared = _DECLARED.match(text.encode("utf-8", "surrogatepass"))
            family = encoding.replace("-", "")[:5]  # utf8, utf16, utf32
            named = declared.group(1).decode() if declared else family
            if not named.lower().replace("-", "").replace("_", "").startswith(family):
                # `UTF-16` declared in a UTF-16 file is fine; another encoding is in doubt.
                return _Refused(f"this SVG has a {encoding} byte-order mark but declares {named}")
            return text
    if data[:4] in (b"\0\0\0<", b"<\0\0\0", b"\0<\0?", b"<\0?\0"):
        return _Refused("this SVG is in UTF-16 or UTF-32 without a byte-order mark")
    declared = _DECLARED.match(data)
    if declared and declared.group(1).decode().lower() not in ("utf-8", "utf8"):
        named = declared.group(1).decode()
        return _Refused(f"this SVG declares the encoding {named}; pmgen checks UTF-8 (or a BOM)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        return _Refused(f"this SVG is not valid UTF-8 (byte 0x{data[error.start]:02x})")


def _split(name: str) -> tuple[str, str]:
    """`{namespace}local` as (namespace, local)."""
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _unsafe_url(value: str) -> bool:
    """A value naming a `javascript:`, `data:`… URL, whatever spaces or case hide it."""
    return bool(_SCHEMES.search(_IGNORED_IN_URLS.sub("", value)))


def _css_refusal(css: str) -> str | None:
    """Why a style sheet or `style` attribute could load or run something."""
    stripped = _LOCAL_URL.sub("", css)
    found = _CSS_DANGER.search(stripped)
    if found:
        return f"CSS with `{found.group(0)}`"
    if _unsafe_url(css):
        return "CSS naming a script or data URL"
    return None


class _Checker:
    """The parser's target: refuses the first element, attribute or text that is not inert."""

    def __init__(self) -> None:
        self.expat: Any = None
        self.root_seen = False
        self.stack: list[str] = []
        self.style: list[str] = []

    def _refuse(self, what: str) -> None:
        line = self.expat.CurrentLineNumber if self.expat is not None else 0
        raise _Refused(f"this SVG holds {what} (line {line})")

    def doctype(self, name: str, system: str | None, public: str | None, subset: int) -> None:
        """A DOCTYPE naming the SVG DTD is harmless; an internal subset is refused."""
        if subset:
            self._refuse("a DOCTYPE with declarations")

    def instruction(self, target: str, data: str) -> None:
        """`<?xml-stylesheet …?>` can apply XSLT or CSS from elsewhere: refused, like any."""
        self._refuse(f"a processing instruction `<?{target}`")

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        """Check one element and its attributes."""
        namespace, local = _split(tag)
        if not self.root_seen:
            if (namespace, local) != (SVG, "svg"):
                self._refuse(f"`{local}` as its root element, not an SVG `svg`")
            self.root_seen = True
        if namespace in INERT_NAMESPACES:
            pass
        elif namespace != SVG:
            where = namespace or "no namespace"
            self._refuse(f"{_article(local)} `{local}` element outside the SVG namespace ({where})")
        elif local not in DRAWING_ELEMENTS:
            self._refuse(f"{_article(local)} `{local}` element")
        for name, value in attributes.items():
            self._attribute(local if namespace == SVG else "", name, value)
        self.stack.append(local if namespace == SVG else "")

    def _attribute(self, element: str, name: str, value: str) -> None:
        namespace, local = _split(name)
        if namespace not in _ACTIVE_ATTRIBUTE_NAMESPACES:
            return  # an editor's own attribute (`inkscape:label`): no browser reads it
        prefix = {XLINK: "xlink:", XML: "xml:"}.get(namespace, "")
        shown = f"`{prefix}{local}`"
        if local.lower().startswith("on"):
            self._refuse(f"an event attribute {shown}")
        if namespace == XML and local not in ("space", "lang"):
            self._refuse(f"an attribute {shown}")
        if namespace == XLINK and local not in ("href", "title", "type", "role", "arcrole"):
            self._refuse(f"an attribute {shown}")
        if namespace == "" and local.startswith(("data-", "aria-")):
            return  # the page's own data and accessibility labels: read by nothing that runs
        if namespace in ("", SVG) and local not in PRESENTATION_ATTRIBUTES:
            self._refuse(f"an attribute {shown}")
        if namespace == "http://www.w3.org/1999/xhtml":
            self._refuse(f"an XHTML attribute {shown}")
        if local == "href" and not _LOCAL_REFERENCE.fullmatch(value.strip()):
            self._refuse(f"a reference to another document ({shown} = `{value[:60]}`)")
        if _unsafe_url(value):
            self._refuse(f"a script or data URL in {shown}")
        if local == "style" or "url(" in value.lower():
            reason = _css_refusal(value)
            if reason:
                self._refuse(f"{reason} in {shown}")
        if local == "attributeName" and element in ("animate", "set", "animateTransform"):
            target = _split(value.strip())[1].rpartition(":")[2]
            if target not in ANIMATED:
                self._refuse(f"an animation of `{value.strip()}`")

    def data(self, text: str) -> None:
        """Text: only a `<style>` element's is read (as CSS)."""
        if self.stack and self.stack[-1] == "style":
            self.style.append(text)

    def end(self, tag: str) -> None:
        """Check a finished `<style>` element's CSS."""
        local = self.stack.pop() if self.stack else ""
        if local == "style":
            reason = _css_refusal("".join(self.style))
            self.style.clear()
            if reason:
                self._refuse(f"{reason} in a `style` element")

    def close(self) -> None:
        """Nothing to build: the check is the result."""
