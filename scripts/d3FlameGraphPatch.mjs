// An esbuild plugin that applies a small patch to d3-flame-graph 4.1.3 (src/flamegraph.js) as it is bundled.
// What it changes, and why (first paint of a large graph: bench/flamePaint.mjs):
//  1. Label elements (foreignObject + div) only for frames at least 35 px wide, the width below which
//     d3-flame-graph hides the label anyway; a frame that becomes that wide (zoom, resize) gets its
//     label then. On a 500,000-sample profile 1 of 763 drawn frames is that wide at first: the others'
//     hidden labels were ~1,500 elements of layout and style work before the graph could show.
//  2. At transition duration 0 the attributes are set directly (after interrupting any running
//     transition) instead of through a zero-length d3 transition per frame, which set them a frame later.
//  3. No width and height attributes on each frame's <g> (SVG ignores them there; the rect has its own).
//  4. A colour mapper that does not take d3-flame-graph's own colour (one parameter) is not handed one:
//     that colour was computed, per frame and per redraw, to be thrown away.
//  5. Click and hover are listened to once on the svg (the frame found from the event's target), not with
//     three listeners per frame added again on every update.
//  6. The frames that enter are merged with those that stay (d3's selection.merge) instead of selecting
//     every frame and joining the data a second time (patches 4 and 7).
//  7. A frame's place is set as x and y on its rect and label, not as a transform on its <g> (patches 1–4):
//     Blink keeps a transform node for each transformed element, and 763 of them cost style, layout, paint
//     and commit work on every frame; the same graph without them reaches the screen sooner.
// The source has no semicolons: each replacement that starts with "(" starts with ";(".
// Everything else (API, zoom, search, colours, events) is d3-flame-graph's own. Each replacement must
// match exactly once: when d3-flame-graph changes, the build fails here instead of drawing wrongly.
import { readFile } from 'node:fs/promises';

const TRANSITIONS_OFF = 'transitionDuration > 0';

/** [what d3-flame-graph 4.1.3 has, what the bundle gets]. */
export const REPLACEMENTS = [
  [
    `            g.transition()
                .duration(transitionDuration)
                .ease(transitionEase)
                .attr('transform', function (d) { return 'translate(' + x(d.x0) + ',' + (inverted ? y(d.depth) : (h - y(d.depth) - c)) + ')' })`,
    `            // Goroscope: a frame's place is the x and y of its rect and label, not a transform on its <g>.
            const frameX = function (d) { return x(d.x0) }
            const frameY = function (d) { return inverted ? y(d.depth) : (h - y(d.depth) - c) }
            ;(${TRANSITIONS_OFF} ? g.select('foreignObject').transition().duration(transitionDuration).ease(transitionEase) : g.select('foreignObject').interrupt())
                .attr('x', frameX)
                .attr('y', frameY)`,
  ],
  [
    `            g.select('rect')
                .transition()
                .duration(transitionDuration)
                .ease(transitionEase)
                .attr('width', width)`,
    `            ;(${TRANSITIONS_OFF} ? g.select('rect').transition().duration(transitionDuration).ease(transitionEase) : g.select('rect').interrupt())
                .attr('x', frameX)
                .attr('y', frameY)
                .attr('width', width)`,
  ],
  [
    `            const node = g.enter()
                .append('svg:g')
                .attr('transform', function (d) { return 'translate(' + x(d.x0) + ',' + (inverted ? y(d.depth) : (h - y(d.depth) - c)) + ')' })

            node.append('svg:rect')
                .transition()
                .delay(transitionDuration / 2)
                .attr('width', width)`,
    `            const node = g.enter()
                .append('svg:g')

            const entering = node.append('svg:rect')
                .attr('x', frameX)
                .attr('y', frameY)
            ;(${TRANSITIONS_OFF} ? entering.transition().delay(transitionDuration / 2) : entering)
                .attr('width', width)`,
  ],
  [
    `            node.append('foreignObject')
                .append('xhtml:div')

            // Now we have to re-select to see the new elements (why?).
            g = svg.selectAll('g').data(descendants, function (d) { return d.id })
`,
    `            // Goroscope: the entering frames merged with the staying ones (d3's merge), in data order as the
            // join gave them, instead of selecting every frame and joining the data again.
            const exiting = g.exit()
            g = node.merge(g)

            // Goroscope: a label element only once a frame is wide enough to show its label.
            g.filter(function (d) { return width(d) >= 35 && this.querySelector('foreignObject') === null })
                .append('foreignObject')
                .attr('x', frameX)
                .attr('y', frameY)
                .append('xhtml:div')
`,
  ],
  [
    `                .style('display', function (d) { return (width(d) < 35) ? 'none' : 'block' })
                .transition()
                .delay(transitionDuration)
                .text(getName)`,
    `                .style('display', function (d) { return (width(d) < 35) ? 'none' : 'block' })
                .call(function (labels) {
                    if (${TRANSITIONS_OFF}) labels.transition().delay(transitionDuration).text(getName)
                    else labels.interrupt().text(getName)
                })`,
  ],
  [
    `            g.attr('width', width)
                .attr('height', function (d) { return c })
                .attr('name', function (d) { return getName(d) })`,
    `            g.attr('name', function (d) { return getName(d) })`,
  ],
  [
    `            g.on('click', (_, d) => { zoom(d) })

            g.exit()
                .remove()

            g.on('mouseover', function (_, d) {
                if (tooltip) tooltip.show(d, this)
                detailsHandler(labelHandler(d))
                if (typeof hoverHandler === 'function') {
                    hoverHandler(d)
                }
            }).on('mouseout', function () {
                if (tooltip) tooltip.hide()
                detailsHandler(null)
            })`,
    `            exiting.remove()

            // Goroscope: one listener of each kind on the svg for every frame (the frame under the pointer
            // found from the event's target), instead of three per frame set again on every update.
            const frameOf = function (event) {
                const el = event.target instanceof Element ? event.target.closest('g.frame') : null
                return el !== null && el.__data__ !== undefined ? el : null
            }
            svg.on('click', function (event) {
                const el = frameOf(event)
                if (el) zoom(el.__data__)
            }).on('mouseover', function (event) {
                const el = frameOf(event)
                if (!el) return
                const d = el.__data__
                if (tooltip) tooltip.show(d, el)
                detailsHandler(labelHandler(d))
                if (typeof hoverHandler === 'function') {
                    hoverHandler(d)
                }
            }).on('mouseout', function (event) {
                if (!frameOf(event)) return
                if (tooltip) tooltip.hide()
                detailsHandler(null)
            })`,
  ],
  [
    `        colorMapper = (d) => {
            const originalColor = originalColorMapper(d)
            return _(d, originalColor)
        }`,
    `        colorMapper = _.length < 2 ? _ : (d) => _(d, originalColorMapper(d))`,
  ],
];

/** The patched source; throws naming the first replacement that does not match exactly once. */
export function patchFlameGraph(source) {
  let out = source;
  REPLACEMENTS.forEach(([from, to], i) => {
    const at = out.indexOf(from);
    if (at < 0 || out.indexOf(from, at + 1) >= 0) {
      throw new Error(`d3-flame-graph patch ${i + 1} of ${REPLACEMENTS.length} does not apply (scripts/d3FlameGraphPatch.mjs expects d3-flame-graph 4.1.3): ${JSON.stringify(from.trim().split('\n')[0])}`);
    }
    out = out.slice(0, at) + to + out.slice(at + from.length);
  });
  return out;
}

/** The esbuild plugin: patches d3-flame-graph/src/flamegraph.js wherever a bundle imports it. */
export const d3FlameGraphPatch = {
  name: 'd3-flame-graph-patch',
  setup(build) {
    build.onLoad({ filter: /[\\/]d3-flame-graph[\\/]src[\\/]flamegraph\.js$/ }, async (args) => ({
      contents: patchFlameGraph(await readFile(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};
