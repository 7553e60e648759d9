"""Light, dark and auto themes: Fusion, an explicit palette and one app-wide stylesheet.

Auto follows the desktop's colour scheme (Qt >= 6.5) and switches live when the desktop does.
Colours live in one `ThemeColors` table so the palette and the stylesheet never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEME_CHOICES = (("auto", "Auto (follow system)"), ("light", "Light"), ("dark", "Dark"))
_THEME_PROPERTY = "museaudTheme"
_FOLLOWING_PROPERTY = "museaudFollowsColorScheme"
_STYLE_PROPERTY = "museaudStyle"


@dataclass(frozen=True)
class ThemeColors:
    """The colours of one theme, named for where they show."""

    name: str
    window: str
    panel: str
    sidebar: str
    base: str
    alternate_base: str
    button: str
    text: str
    muted_text: str
    disabled_text: str
    border: str
    hover: str
    accent: str
    accent_text: str
    accent_soft: str
    warning: str
    ok: str
    error_background: str
    error_text: str
    chip: str

    @property
    def is_dark(self) -> bool:
        """True for a theme with light text on dark surfaces."""
        return QColor(self.window).lightness() < 128


DARK = ThemeColors(
    name="dark",
    window="#1f2024",
    panel="#25262b",
    sidebar="#18191c",
    base="#2a2c31",
    alternate_base="#2f3136",
    button="#33353b",
    text="#e6e6e9",
    muted_text="#9c9ea6",
    disabled_text="#64666d",
    border="#34363c",
    hover="#2a2c31",
    accent="#f0883e",
    accent_text="#141414",
    accent_soft="#3a2a1e",
    warning="#f2b45a",
    ok="#6cc68b",
    error_background="#3d1f22",
    error_text="#ff9b9b",
    chip="#2c2e33",
)

LIGHT = ThemeColors(
    name="light",
    window="#f3f3f5",
    panel="#fafafb",
    sidebar="#e9e9ed",
    base="#ffffff",
    alternate_base="#f6f6f8",
    button="#fbfbfc",
    text="#1d1d21",
    muted_text="#61636b",
    disabled_text="#a3a5ab",
    border="#d5d6db",
    hover="#dcdde2",
    accent="#d2601a",
    accent_text="#ffffff",
    accent_soft="#f6dcc9",
    warning="#a86400",
    ok="#2b8a4b",
    error_background="#fde8e8",
    error_text="#a4191f",
    chip="#e7e7eb",
)


def system_prefers_dark() -> bool:
    """True when the desktop asks for a dark colour scheme (False when Qt cannot tell)."""
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    return scheme is not None and scheme() == Qt.ColorScheme.Dark


def resolve_theme(theme: str) -> ThemeColors:
    """The colours a theme preference stands for: auto becomes light or dark."""
    if theme == "dark":
        return DARK
    if theme == "light":
        return LIGHT
    return DARK if system_prefers_dark() else LIGHT


def current_theme_colors() -> ThemeColors:
    """The colours of the theme last applied to the running application (light if none)."""
    application = QCoreApplication.instance()
    name = application.property(_THEME_PROPERTY) if application is not None else None
    return resolve_theme(str(name)) if name else LIGHT


def build_palette(colors: ThemeColors) -> QPalette:
    """A full QPalette for the theme, including the disabled group."""
    palette = QPalette()
    role = QPalette.ColorRole
    for color_role, value in (
        (role.Window, colors.window),
        (role.WindowText, colors.text),
        (role.Base, colors.base),
        (role.AlternateBase, colors.alternate_base),
        (role.ToolTipBase, colors.panel),
        (role.ToolTipText, colors.text),
        (role.PlaceholderText, colors.muted_text),
        (role.Text, colors.text),
        (role.Button, colors.button),
        (role.ButtonText, colors.text),
        (role.BrightText, "#ffffff"),
        (role.Highlight, colors.accent),
        (role.HighlightedText, colors.accent_text),
        (role.Link, colors.accent),
        (role.LinkVisited, colors.accent),
        (role.Light, QColor(colors.button).lighter(130).name()),
        (role.Midlight, QColor(colors.button).lighter(115).name()),
        (role.Mid, colors.border),
        (role.Dark, QColor(colors.window).darker(150).name()),
        (role.Shadow, "#000000"),
    ):
        palette.setColor(color_role, QColor(value))
    disabled = QPalette.ColorGroup.Disabled
    for color_role in (role.WindowText, role.Text, role.ButtonText, role.PlaceholderText):
        palette.setColor(disabled, color_role, QColor(colors.disabled_text))
    palette.setColor(disabled, role.Highlight, QColor(colors.border))
    palette.setColor(disabled, role.HighlightedText, QColor(colors.disabled_text))
    return palette


def build_stylesheet(colors: ThemeColors) -> str:
    """The app-wide stylesheet: only the parts Fusion plus a palette cannot express."""
    c = colors
    return f"""
QListWidget#sidebar {{
    background: {c.sidebar};
    border: none;
    border-right: 1px solid {c.border};
    padding: 6px 8px;
    outline: 0;
}}
QListWidget#sidebar::item {{
    color: {c.text};
    padding: 7px 10px;
    margin: 1px 0px;
    border-radius: 6px;
}}
QListWidget#sidebar::item:hover {{ background: {c.hover}; }}
QListWidget#sidebar::item:selected {{ background: {c.accent_soft}; color: {c.text}; }}
QWidget#sidebarPanel {{ background: {c.sidebar}; border-right: 1px solid {c.border}; }}
QLabel#sidebarBrand {{ color: {c.text}; padding: 14px 18px 10px 18px; }}
QLabel#sidebarSection {{ color: {c.muted_text}; padding: 6px 18px 2px 18px; }}
QLabel#sidebarFooter {{ color: {c.muted_text}; padding: 8px 18px 12px 18px; }}
QWidget#viewHeader {{ background: {c.window}; border-bottom: 1px solid {c.border}; }}
QLabel#viewTitle {{ color: {c.text}; }}
QLabel#viewSubtitle {{ color: {c.muted_text}; }}
QFrame#emptyCard {{
    background: {c.panel};
    border: 1px solid {c.border};
    border-radius: 12px;
}}
QLabel#emptyGlyph {{ background: {c.accent_soft}; border-radius: 14px; }}
QLabel#emptyTitle {{ color: {c.text}; }}
QLabel#emptyBody {{ color: {c.muted_text}; }}
QLabel#emptyFeature {{ color: {c.text}; }}
QLabel#emptySection {{ color: {c.muted_text}; }}
QLabel#commandChip {{
    background: {c.chip};
    color: {c.text};
    border: 1px solid {c.border};
    border-radius: 5px;
    padding: 4px 8px;
}}
QPushButton#primaryButton {{
    background: {c.accent};
    color: {c.accent_text};
    border: 1px solid {c.accent};
    border-radius: 6px;
    padding: 6px 16px;
    font-weight: 600;
}}
QPushButton#primaryButton:hover {{ background: {QColor(c.accent).lighter(110).name()}; }}
QPushButton#primaryButton:disabled {{
    background: {c.button};
    color: {c.disabled_text};
    border: 1px solid {c.border};
}}
QStatusBar {{ background: {c.sidebar}; border-top: 1px solid {c.border}; }}
QStatusBar::item {{ border: none; }}
QStatusBar QLabel {{ color: {c.muted_text}; padding: 0px 4px; }}
QStatusBar QLabel[state="warning"] {{ color: {c.warning}; }}
QStatusBar QFrame#statusSeparator {{ color: {c.border}; }}
QLabel[role="hint"] {{ color: {c.muted_text}; }}
QLabel[role="problem"] {{ color: {c.muted_text}; font-style: italic; }}
QLabel#errorBanner {{
    background: {c.error_background};
    color: {c.error_text};
    border: 1px solid {c.error_text};
    border-radius: 6px;
    padding: 8px 10px;
}}
QLabel#dialogHeading {{ color: {c.text}; }}
QTabWidget::pane {{ border: 1px solid {c.border}; border-radius: 6px; top: -1px; }}
QToolTip {{
    background: {c.panel};
    color: {c.text};
    border: 1px solid {c.border};
    padding: 4px 6px;
}}
QMenu::item:disabled {{ color: {c.disabled_text}; }}
"""


def apply_theme(theme: str, application: QApplication | None = None) -> ThemeColors:
    """Give the application the Fusion style and the palette of theme ('light', 'dark', 'auto').

    Returns the colours now in use; with 'auto' they change by themselves when the desktop does.
    """
    application = application or _running_application()
    if base_style_name(application) != "fusion":
        # style() answers the stylesheet's wrapper once one is set, so remember what we chose
        application.setStyle("Fusion")
        application.setProperty(_STYLE_PROPERTY, "fusion")
    application.setProperty(_THEME_PROPERTY, theme)
    _follow_color_scheme(application)
    return _apply_colors(application, resolve_theme(theme))


def base_style_name(application: QApplication) -> str:
    """The widget style under the stylesheet, lower case ('fusion' once a theme is applied)."""
    chosen = application.property(_STYLE_PROPERTY)
    return str(chosen) if chosen else application.style().name().lower()


def _apply_colors(application: QApplication, colors: ThemeColors) -> ThemeColors:
    application.setPalette(build_palette(colors))
    application.setStyleSheet(build_stylesheet(colors))
    return colors


def _follow_color_scheme(application: QApplication) -> None:
    """Re-apply an auto theme when the desktop switches between light and dark (once per app)."""
    if application.property(_FOLLOWING_PROPERTY):
        return
    hints = QGuiApplication.styleHints()
    signal = getattr(hints, "colorSchemeChanged", None)
    if signal is None:  # Qt < 6.5 cannot tell us
        return

    def scheme_changed(_scheme: object) -> None:
        if application.property(_THEME_PROPERTY) == "auto":
            _apply_colors(application, resolve_theme("auto"))

    signal.connect(scheme_changed)
    application.setProperty(_FOLLOWING_PROPERTY, True)


def _running_application() -> QApplication:
    application = QCoreApplication.instance()
    if not isinstance(application, QApplication):
        raise RuntimeError("apply_theme needs a QApplication; create one first")
    return application
