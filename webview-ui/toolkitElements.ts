/**
 * The only module that imports @vscode/webview-ui-toolkit (sunset by Microsoft in 2025). toolkit.ts
 * imports it on demand, so none of the toolkit's code runs before a page asks for its controls.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDataGrid,
  vsCodeDataGridCell,
  vsCodeDataGridRow,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

/** Defines the toolkit's custom elements the pages use. */
export function defineElements(): void {
  provideVSCodeDesignSystem().register(
    vsCodeButton(),
    vsCodeCheckbox(),
    vsCodeDataGrid(),
    vsCodeDataGridCell(),
    vsCodeDataGridRow(),
    vsCodeDropdown(),
    vsCodeOption(),
    vsCodeTextField(),
  );
  // The toolkit reads the theme's colours when the window's load event fires (initThemeChangeListener, set
  // up as its code first runs). Loaded after that event, it would keep its default dark palette whatever
  // the theme: replay the event for it.
  if (document.readyState === 'complete') window.dispatchEvent(new Event('load'));
}
