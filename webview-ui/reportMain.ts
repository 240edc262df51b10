/**
 * Entry of dist/report.js, the page of report.html (one classic script inlined in the file): the panel's
 * UI over the profiles embedded in a `<script type="application/json" id="goroscope-report">` block,
 * decoded and answered in the page (report.ts). VS Code's pages start from main.ts, without the decoder.
 */
import '../node_modules/d3-flame-graph/dist/d3-flamegraph.css';
import './webview.css';
import { startReport } from './report';

performance.mark('goroscope:start');
const root = document.getElementById('app');
const data = document.getElementById('goroscope-report');
if (root && data) void startReport(root, data.textContent ?? '');
