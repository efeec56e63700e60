// dcmjs ships no types. Only dataset.ts imports it, and it narrows what it uses at that border.
declare module 'dcmjs';
