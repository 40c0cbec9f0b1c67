// Script-tag entry (IIFE build, served as /widget.js): the facade, in facade.ts.
import { bootFacade } from './facade.js';

bootFacade(document.currentScript as HTMLScriptElement | null, window);
