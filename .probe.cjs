const { Parser, Language } = require('web-tree-sitter');
(async () => {
  await Parser.init();
  const Go = await Language.load(require.resolve('tree-sitter-go/tree-sitter-go.wasm'));
  const p = new Parser(); p.setLanguage(Go);
  const src = require('fs').readFileSync(process.argv[2],'utf8');
  const t = p.parse(src);
  console.log(t.rootNode.toString().replace(/\(/g,'\n(').slice(0, 20000));
})();
