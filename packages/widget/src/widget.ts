// Script-tag entry (IIFE build, served as /widget.js): everything else is in script-tag.ts.
import { bootScriptTag } from './script-tag.js';

bootScriptTag(document.currentScript as HTMLScriptElement | null, window);
