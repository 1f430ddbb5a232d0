#!/usr/bin/env node
// parse.mjs - check Mermaid text with Mermaid's own parser (no browser).
//
// usage: node parse.mjs [--json] [--lenient] [FILE | -]     (default: stdin)
//
// exit 0: the text parses (and, for gantt, every task's dates evaluate)
// exit 1: Mermaid rejects it; the parser's message is on stderr
// exit 2: usage / setup error (mermaid or jsdom not installed, unreadable file)
//
// Steps:
//  1. mermaid.parse(text)  - the real jison grammar + Mermaid's preprocessing
//     (front matter, %%{init}%% directives, %% comments, #entity; encoding).
//  2. gantt only: the gantt db is evaluated as the renderer would
//     (db.getTasks() computes start/end; Mermaid throws "Invalid date:..."
//     for a bad start).  Unless --lenient, also fail where Mermaid would only
//     log a warning and silently draw a broken bar: an end that is neither a
//     date in dateFormat nor a duration, a task with no start/end (e.g. a
//     stray ':' in the task name shifts the fields), or end < start.
//  --json prints {diagramType, title, sections, tasks:[{section,name,id,
//     tags,start,end}]} on stdout; names/sections/title are shown as a browser
//     would display them (#58; -> ':', #35; -> '#', &amp; -> '&').
//
// Needs, next to this file or in $MERMAID_NODE_MODULES: mermaid (11.x or 12.x) and jsdom
// (DOMPurify, which Mermaid calls while parsing, needs a window).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// Gantt dates carry no zone; Mermaid reads them as local time.  jobwatch
// writes UTC, so read them as UTC (Node applies a TZ set at run time).
process.env.TZ = 'UTC';

const args = process.argv.slice(2);
const json = args.includes('--json');
const lenient = args.includes('--lenient');
const files = args.filter((a) => !a.startsWith('--') || a === '-');
if (args.some((a) => a.startsWith('--') && !['--json', '--lenient'].includes(a)) || files.length > 1) {
  process.stderr.write('usage: node parse.mjs [--json] [--lenient] [FILE | -]\n');
  process.exit(2);
}

let text;
try {
  text = readFileSync(files.length && files[0] !== '-' ? files[0] : 0, 'utf8');
} catch (e) {
  process.stderr.write(`parse.mjs: cannot read input: ${e.message}\n`);
  process.exit(2);
}

// Packages come from the node_modules next to this file or, when
// MERMAID_NODE_MODULES names a node_modules folder, from there (ESM imports
// ignore NODE_PATH, so the folder is resolved explicitly).
const req = createRequire(
  process.env.MERMAID_NODE_MODULES ? join(process.env.MERMAID_NODE_MODULES, '..', 'noop.js') : import.meta.url,
);
const load = async (name) => import(pathToFileURL(req.resolve(name)).href);

let mermaid, dayjs, window;
try {
  const { JSDOM } = await load('jsdom');
  window = new JSDOM('<!doctype html><html><body></body></html>').window;
  globalThis.window = window;
  globalThis.document = window.document;
  mermaid = (await load('mermaid')).default;
  dayjs = (await load('dayjs')).default;
  dayjs.extend((await load('dayjs/plugin/customParseFormat.js')).default);
} catch (e) {
  process.stderr.write(`parse.mjs: setup failed (npm install mermaid jsdom?): ${e.message}\n`);
  process.exit(2);
}

const fail = (msg) => {
  process.stderr.write(`${msg}\n`);
  process.exit(1);
};

// What a browser shows for a string Mermaid stores: Mermaid turns "#35;" /
// "#amp;" into placeholders before parsing and the SVG renderer turns them
// into "&#35;" / "&amp;" (decodeEntities); everything else is SVG text.
const named = (n) => {
  const el = window.document.createElement('span');
  el.innerHTML = `&${n};`;
  return el.textContent;
};
const shown = (s) =>
  typeof s !== 'string'
    ? s
    : s
        .replace(/ﬂ°°(\d+)¶ß/g, (_, d) => String.fromCodePoint(Number(d)))
        .replace(/ﬂ°(\w+)¶ß/g, (_, n) => named(n));

mermaid.initialize({ startOnLoad: false });
let result;
try {
  result = await mermaid.parse(text);
} catch (e) {
  fail(String(e?.message ?? e));
}

const out = { diagramType: result.diagramType };
if (result.diagramType === 'gantt') {
  let db, tasks;
  try {
    db = (await mermaid.mermaidAPI.getDiagramFromText(text)).db;
  } catch (e) {
    fail(String(e?.message ?? e));
  }
  try {
    tasks = db.getTasks();
  } catch (e) {
    // e.g. "Invalid date:2026-13-45T10:00:00", or a TypeError when a task's
    // fields are shifted (a ':' in the task name); the renderer fails the same way.
    fail(`gantt: tasks could not be evaluated: ${e?.message ?? e}`);
  }
  const fmt = db.getDateFormat().trim();
  const problems = [];
  for (const t of tasks) {
    const name = shown(t.task);
    const ok = (d) => d instanceof Date && !Number.isNaN(d.getTime());
    if (!ok(t.startTime) || !ok(t.endTime)) {
      problems.push(`task ${JSON.stringify(name)}: no start/end (task data ${JSON.stringify(t.raw?.data)} does not split into [tags,] [id,] start, end)`);
      continue;
    }
    const start = String(t.raw?.startTime?.startData ?? '').trim();
    if (fmt && start && !/^after\s/.test(start) && !dayjs(start, fmt, true).isValid()) {
      problems.push(`task ${JSON.stringify(name)}: start ${JSON.stringify(start)} is not a date in format ${JSON.stringify(fmt)} (Mermaid falls back to new Date())`);
    }
    const end = String(t.raw?.endTime?.data ?? '').trim();
    const isDate = dayjs(end, fmt || 'YYYY-MM-DD', true).isValid();
    const isDuration = /^\d+(?:\.\d+)?(?:ms|[Mdhmswy])$/.test(end);
    if (end && !isDate && !isDuration && !/^until\s/.test(end)) {
      problems.push(`task ${JSON.stringify(name)}: end ${JSON.stringify(end)} is neither a date in format ${JSON.stringify(fmt)} nor a duration`);
    }
    if (t.endTime < t.startTime) problems.push(`task ${JSON.stringify(name)}: ends before it starts`);
  }
  if (problems.length && !lenient) fail(problems.join('\n'));
  Object.assign(out, {
    title: shown(db.getDiagramTitle()),
    dateFormat: fmt,
    axisFormat: db.getAxisFormat(),
    sections: db.getSections().map(shown),
    tasks: tasks.map((t) => ({
      section: shown(t.section),
      name: shown(t.task),
      id: t.id,
      tags: ['done', 'crit', 'active', 'milestone'].filter((k) => t[k]),
      start: t.startTime instanceof Date && !isNaN(t.startTime) ? t.startTime.toISOString() : null,
      end: t.endTime instanceof Date && !isNaN(t.endTime) ? t.endTime.toISOString() : null,
    })),
  });
}
if (json) process.stdout.write(JSON.stringify(out, null, 1) + '\n');
process.exit(0);
