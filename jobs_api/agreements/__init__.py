"""Offers and the tripartite employment agreement (三方协议): offer -> accepted -> agreement
drafted -> signed by graduate and employer -> approved by the career office (已签约);
termination (解约) with reasons and approval; a PDF anyone can verify by its code."""
